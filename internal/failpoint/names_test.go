package failpoint

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestNamesAreDistinct: a failpoint's name is how a sweep arms it and how a report names it, so
// two failpoints must never share one, and each says engine/operation/step.
func TestNamesAreDistinct(t *testing.T) {
	form := regexp.MustCompile(`^(cassandra|elasticsearch|opensearch)/[a-z-]+/[a-z-]+$`)
	seen := map[Name]bool{}
	for _, n := range All {
		if seen[n] {
			t.Errorf("failpoint %s listed twice", n)
		}
		seen[n] = true
		if !form.MatchString(string(n)) {
			t.Errorf("failpoint %s: want engine/operation/step", n)
		}
	}
}

// TestEveryNameIsListedAndInjected: a failpoint missing from All is never armed by the sweep,
// and one that product code never injects is a name without a point; either would let the
// sweep report coverage it does not have.
func TestEveryNameIsListedAndInjected(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "names.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var consts []string
	for _, d := range f.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.CONST {
			for _, s := range g.Specs {
				for _, id := range s.(*ast.ValueSpec).Names {
					consts = append(consts, id.Name)
				}
			}
		}
	}
	if len(consts) != len(All) {
		t.Errorf("names.go declares %d failpoints, All lists %d", len(consts), len(All))
	}
	var product strings.Builder
	err = filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || strings.HasPrefix(path, filepath.Join("..", "failpoint")) {
			return err
		}
		raw, err := os.ReadFile(path)
		product.Write(raw)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range consts {
		if !strings.Contains(product.String(), "failpoint."+c) {
			t.Errorf("failpoint %s is injected nowhere in internal/", c)
		}
	}
}
