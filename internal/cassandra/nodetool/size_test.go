package nodetool

import "testing"

// TestParseSize reads sizes as FileUtils.stringifyFileSize prints them ("#.##" and a binary unit;
// KB/MB before 3.0 meant the same binary multiples) into bytes.
func TestParseSize(t *testing.T) {
	for s, want := range map[string]int64{
		"0 bytes":    0,
		"1023 bytes": 1023,
		"1 KiB":      1024,
		"180.61 KiB": 184945,
		"1.5 MiB":    1572864,
		"3.21 GiB":   3446711255,
		"2 TiB":      2 << 40,
		"294.44 MB":  308742717,
	} {
		got, err := ParseSize(s)
		if err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"", "12", "12 kB", "KiB", "-1 KiB", "NaN bytes", "1,5 MiB", "?"} {
		if _, err := ParseSize(s); err == nil {
			t.Errorf("ParseSize(%q) succeeded", s)
		}
	}
}
