// Command imagebuild writes an OCI image tarball from local files, without Docker or a
// registry, for `ctr images import` on the local cluster. Every image it makes is one layer on
// an empty base: the files given, and nothing else.
//
//	imagebuild -tag navigator.local/navigator-controller:dev -o out.tar \
//	    -file bin/navigator-controller:/navigator-controller -entrypoint /navigator-controller \
//	    -user 65532:65532
package main

import (
	"archive/tar"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// listFlag collects a repeated flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "imagebuild:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("imagebuild", flag.ContinueOnError)
	var files, entrypoint, env, dirs listFlag
	tag := fs.String("tag", "", "image reference, e.g. navigator.local/pause:3.10")
	out := fs.String("o", "", "output tarball")
	user := fs.String("user", "", "user:group the image runs as, e.g. 65532:65532")
	fs.Var(&files, "file", "SRC:DST[:MODE] file to put in the image (repeatable)")
	fs.Var(&dirs, "dir", "DST[:MODE] empty directory to create (repeatable)")
	fs.Var(&entrypoint, "entrypoint", "entrypoint element (repeatable)")
	fs.Var(&env, "env", "KEY=VALUE environment (repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *tag == "" || *out == "" || len(files) == 0 {
		return errors.New("-tag, -o and at least one -file are required")
	}
	ref, err := name.NewTag(*tag)
	if err != nil {
		return fmt.Errorf("-tag: %w", err)
	}
	layerTar, err := buildLayer(files, dirs)
	if err != nil {
		return err
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(layerTar)), nil
	})
	if err != nil {
		return fmt.Errorf("making the layer: %w", err)
	}
	img, err := mutate.AppendLayers(empty.Image, layer)
	if err != nil {
		return err
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		return err
	}
	cfg = cfg.DeepCopy()
	// containerd's CRI matches images to the node's platform; an image without one is skipped.
	cfg.Architecture, cfg.OS = "amd64", "linux"
	cfg.Config.Entrypoint = entrypoint
	cfg.Config.User = *user
	cfg.Config.Env = append([]string{"PATH=/usr/local/bin:/usr/bin:/bin"}, env...)
	img, err = mutate.ConfigFile(img, cfg)
	if err != nil {
		return err
	}
	return tarball.WriteToFile(*out, ref, img)
}

// buildLayer writes the files and directories, with their parent directories, into a tar.
func buildLayer(files, dirs []string) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	made := map[string]bool{}
	mkdirs := func(p string, mode int64) error {
		var parts []string
		for d := p; d != "/" && d != "."; d = path.Dir(d) {
			parts = append([]string{d}, parts...)
		}
		for _, d := range parts {
			if made[d] {
				continue
			}
			made[d] = true
			m := int64(0o755)
			if d == p {
				m = mode
			}
			hdr := &tar.Header{Typeflag: tar.TypeDir, Name: strings.TrimPrefix(d, "/") + "/", Mode: m, ModTime: epoch}
			if err := tw.WriteHeader(hdr); err != nil {
				return err
			}
		}
		return nil
	}
	for _, d := range dirs {
		dst, mode, err := splitMode(d, 0o755)
		if err != nil {
			return nil, err
		}
		if err := mkdirs(dst, mode); err != nil {
			return nil, err
		}
	}
	for _, f := range files {
		src, rest, ok := strings.Cut(f, ":")
		if !ok {
			return nil, fmt.Errorf("-file %q: want SRC:DST[:MODE]", f)
		}
		dst, mode, err := splitMode(rest, 0o755)
		if err != nil {
			return nil, err
		}
		data, err := os.ReadFile(src)
		if err != nil {
			return nil, err
		}
		if err := mkdirs(path.Dir(dst), 0o755); err != nil {
			return nil, err
		}
		hdr := &tar.Header{Typeflag: tar.TypeReg, Name: strings.TrimPrefix(dst, "/"), Mode: mode, Size: int64(len(data)), ModTime: epoch}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, err
		}
		if _, err := tw.Write(data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// epoch makes layers reproducible: the same files give the same digest.
var epoch = time.Unix(0, 0)

func splitMode(s string, def int64) (string, int64, error) {
	p, m, ok := strings.Cut(s, ":")
	if !ok {
		return p, def, nil
	}
	var mode int64
	if _, err := fmt.Sscanf(m, "%o", &mode); err != nil {
		return "", 0, fmt.Errorf("mode %q: %w", m, err)
	}
	return p, mode, nil
}
