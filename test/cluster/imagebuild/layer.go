package main

import (
	"archive/tar"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// entryKind is what a layer entry puts into the image.
type entryKind int

const (
	entryFile entryKind = iota
	entryDir
	entryTree
	entrySymlink
)

type entry struct {
	kind entryKind
	arg  string
}

// layerFlags collects the entries of every layer in the order the flags came.
type layerFlags struct {
	layers [][]entry
}

func (l *layerFlags) next() { l.layers = append(l.layers, nil) }

func (l *layerFlags) empty() bool {
	for _, entries := range l.layers {
		if len(entries) > 0 {
			return false
		}
	}
	return true
}

// kind is the flag.Value that appends entries of one kind to the current layer.
func (l *layerFlags) kind(k entryKind) *kindFlag { return &kindFlag{layers: l, kind: k} }

type kindFlag struct {
	layers *layerFlags
	kind   entryKind
}

func (f *kindFlag) String() string { return "" }

func (f *kindFlag) Set(v string) error {
	if len(f.layers.layers) == 0 {
		f.layers.next()
	}
	last := len(f.layers.layers) - 1
	f.layers.layers[last] = append(f.layers.layers[last], entry{kind: f.kind, arg: v})
	return nil
}

// epoch makes layers reproducible: the same files give the same digest.
var epoch = time.Unix(0, 0)

// layerWriter writes one layer's tar, each parent directory once.
type layerWriter struct {
	tw   *tar.Writer
	made map[string]bool
}

// writeLayer writes the entries into a tar in a temporary file and returns its path.
func writeLayer(entries []entry) (string, error) {
	f, err := os.CreateTemp("", "imagebuild-layer-*.tar")
	if err != nil {
		return "", err
	}
	w := &layerWriter{tw: tar.NewWriter(f), made: map[string]bool{}}
	for _, e := range entries {
		if err = w.add(e); err != nil {
			break
		}
	}
	if err == nil {
		err = w.tw.Close()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

func (w *layerWriter) add(e entry) error {
	switch e.kind {
	case entryDir:
		dst, mode, err := splitMode(e.arg, 0o755)
		if err != nil {
			return err
		}
		return w.mkdirs(dst, mode)
	case entryFile:
		src, rest, ok := strings.Cut(e.arg, ":")
		if !ok {
			return fmt.Errorf("-file %q: want SRC:DST[:MODE]", e.arg)
		}
		dst, mode, err := splitMode(rest, 0o755)
		if err != nil {
			return err
		}
		return w.file(src, dst, mode)
	case entryTree:
		src, dst, ok := strings.Cut(e.arg, ":")
		if !ok {
			return fmt.Errorf("-tree %q: want SRC:DST", e.arg)
		}
		return w.tree(src, dst)
	case entrySymlink:
		target, link, ok := strings.Cut(e.arg, ":")
		if !ok {
			return fmt.Errorf("-symlink %q: want TARGET:LINK", e.arg)
		}
		return w.symlink(target, link)
	}
	return fmt.Errorf("unknown entry %v", e)
}

// mkdirs writes p and its missing parents; p gets mode, its parents 0755.
func (w *layerWriter) mkdirs(p string, mode int64) error {
	var parts []string
	for d := path.Clean(p); d != "/" && d != "."; d = path.Dir(d) {
		parts = append([]string{d}, parts...)
	}
	for _, d := range parts {
		if w.made[d] {
			continue
		}
		w.made[d] = true
		m := int64(0o755)
		if d == path.Clean(p) {
			m = mode
		}
		hdr := &tar.Header{Typeflag: tar.TypeDir, Name: strings.TrimPrefix(d, "/") + "/", Mode: m, ModTime: epoch}
		if err := w.tw.WriteHeader(hdr); err != nil {
			return err
		}
	}
	return nil
}

func (w *layerWriter) file(src, dst string, mode int64) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer func() { _ = in.Close() }()
	info, err := in.Stat()
	if err != nil {
		return err
	}
	if err := w.mkdirs(path.Dir(dst), 0o755); err != nil {
		return err
	}
	hdr := &tar.Header{Typeflag: tar.TypeReg, Name: strings.TrimPrefix(dst, "/"), Mode: mode, Size: info.Size(), ModTime: epoch}
	if err := w.tw.WriteHeader(hdr); err != nil {
		return err
	}
	_, err = io.Copy(w.tw, in)
	return err
}

func (w *layerWriter) symlink(target, link string) error {
	if err := w.mkdirs(path.Dir(link), 0o755); err != nil {
		return err
	}
	w.made[path.Clean(link)] = true
	return w.tw.WriteHeader(&tar.Header{Typeflag: tar.TypeSymlink, Name: strings.TrimPrefix(link, "/"), Linkname: target, Mode: 0o777, ModTime: epoch})
}

// tree copies the directory src to dst: directories and regular files with their permission
// bits, symbolic links as links.
func (w *layerWriter) tree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := path.Join(dst, filepath.ToSlash(rel))
		info, err := d.Info()
		if err != nil {
			return err
		}
		mode := int64(info.Mode().Perm())
		if info.Mode()&fs.ModeSticky != 0 {
			mode |= 0o1000 // tar's c_ISVTX: /tmp stays writable by all, removable by owners only
		}
		switch {
		case d.IsDir():
			return w.mkdirs(target, mode)
		case info.Mode()&fs.ModeSymlink != 0:
			link, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return w.symlink(link, target)
		case info.Mode().IsRegular():
			return w.file(p, target, mode)
		}
		return fmt.Errorf("%s: not a file, directory or symbolic link", p)
	})
}

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
