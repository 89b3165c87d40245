// Package logging builds the structured logger of navigator-controller and navigator-pilot from
// their --log-level and --log-format flags.
//
// It builds the zap core itself rather than through controller-runtime's zap helper, because
// that helper samples repeated lines in production mode. The pilot's log sits next to the
// database's own output and the controller's log is how a stalled operation is diagnosed: a
// dropped line there costs more than the bytes it saves (CloudNativePG turns sampling off in its
// instance manager for the same reason).
package logging

import (
	"fmt"
	"io"
	"strconv"

	"github.com/go-logr/logr"
	"github.com/go-logr/zapr"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// New returns a logger writing to w at the given level ("debug", "info", "error" or a
// verbosity number, higher is more verbose) in the given format ("json" or "text").
func New(w io.Writer, level, format string) (logr.Logger, error) {
	lvl, err := parseLevel(level)
	if err != nil {
		return logr.Logger{}, err
	}
	cfg := zap.NewProductionEncoderConfig()
	cfg.EncodeTime = zapcore.RFC3339NanoTimeEncoder
	var enc zapcore.Encoder
	switch format {
	case "json":
		enc = zapcore.NewJSONEncoder(cfg)
	case "text":
		cfg.EncodeLevel = zapcore.CapitalLevelEncoder
		enc = zapcore.NewConsoleEncoder(cfg)
	default:
		return logr.Logger{}, fmt.Errorf("--log-format %q: want json or text", format)
	}
	core := zapcore.NewCore(enc, zapcore.AddSync(w), lvl)
	return zapr.NewLogger(zap.New(core, zap.AddCaller(), zap.AddStacktrace(zapcore.ErrorLevel))), nil
}

// parseLevel maps a flag value to a zap level. logr's V(n) is zap level -n.
func parseLevel(level string) (zapcore.Level, error) {
	switch level {
	case "debug":
		return zapcore.DebugLevel, nil
	case "info":
		return zapcore.InfoLevel, nil
	case "error":
		return zapcore.ErrorLevel, nil
	}
	n, err := strconv.Atoi(level)
	if err != nil || n < 0 || n > 127 {
		return 0, fmt.Errorf("--log-level %q: want debug, info, error or a verbosity from 0 to 127", level)
	}
	return zapcore.Level(-n), nil
}
