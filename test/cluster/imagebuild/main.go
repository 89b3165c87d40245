// Command imagebuild writes an OCI image tarball from local files, without Docker or a
// registry, for `ctr images import` on the local cluster. An image is one or more layers on an
// empty base: the files, directories, trees and links given, and nothing else.
//
//	imagebuild -tag navigator.local/navigator-controller:dev -o out.tar \
//	    -file bin/navigator-controller:/navigator-controller -entrypoint /navigator-controller \
//	    -user 65532:65532
//
// Entries go into the current layer in the order given; -layer starts the next one. Layers that
// several images share (a Java runtime under two Cassandra versions) have the same digest, so
// containerd stores them once.
package main

import (
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
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
	var entrypoint, env listFlag
	layers := &layerFlags{}
	tag := fs.String("tag", "", "image reference, e.g. navigator.local/pause:3.10")
	out := fs.String("o", "", "output tarball")
	user := fs.String("user", "", "user:group the image runs as, e.g. 65532:65532")
	workdir := fs.String("workdir", "", "working directory of the image's process, e.g. /usr/share/opensearch")
	fs.Var(layers.kind(entryFile), "file", "SRC:DST[:MODE] file to put in the image (repeatable)")
	fs.Var(layers.kind(entryDir), "dir", "DST[:MODE] empty directory to create (repeatable)")
	fs.Var(layers.kind(entryTree), "tree", "SRC:DST directory tree to copy, with its modes and symbolic links (repeatable)")
	fs.Var(layers.kind(entrySymlink), "symlink", "TARGET:LINK symbolic link LINK pointing at TARGET (repeatable)")
	fs.BoolFunc("layer", "start the next layer: the entries that follow go into it", func(string) error {
		layers.next()
		return nil
	})
	fs.Var(&entrypoint, "entrypoint", "entrypoint element (repeatable)")
	fs.Var(&env, "env", "KEY=VALUE environment (repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *tag == "" || *out == "" || layers.empty() {
		return errors.New("-tag, -o and at least one -file, -dir, -tree or -symlink are required")
	}
	ref, err := name.NewTag(*tag)
	if err != nil {
		return fmt.Errorf("-tag: %w", err)
	}
	img := empty.Image
	for i, entries := range layers.layers {
		if len(entries) == 0 {
			continue
		}
		path, err := writeLayer(entries)
		if err != nil {
			return fmt.Errorf("layer %d: %w", i+1, err)
		}
		defer func() { _ = os.Remove(path) }()
		layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return os.Open(path) },
			tarball.WithCompressionLevel(gzip.BestSpeed))
		if err != nil {
			return fmt.Errorf("making layer %d: %w", i+1, err)
		}
		if img, err = mutate.AppendLayers(img, layer); err != nil {
			return err
		}
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		return err
	}
	cfg = cfg.DeepCopy()
	configure(cfg, *user, *workdir, entrypoint, env)
	if img, err = mutate.ConfigFile(img, cfg); err != nil {
		return err
	}
	return tarball.WriteToFile(*out, ref, img)
}

// configure sets what the runtime reads from the image's configuration.
func configure(cfg *v1.ConfigFile, user, workdir string, entrypoint, env []string) {
	// containerd's CRI matches images to the node's platform; an image without one is skipped.
	cfg.Architecture, cfg.OS = "amd64", "linux"
	cfg.Config.Entrypoint = entrypoint
	cfg.Config.User = user
	cfg.Config.WorkingDir = workdir
	path := "PATH=/usr/local/bin:/usr/bin:/bin"
	var rest []string
	for _, kv := range env {
		if strings.HasPrefix(kv, "PATH=") {
			path = kv
			continue
		}
		rest = append(rest, kv)
	}
	cfg.Config.Env = append([]string{path}, rest...)
}
