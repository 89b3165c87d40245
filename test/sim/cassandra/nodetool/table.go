package nodetool

import (
	"strings"
	"unicode/utf8"
)

// table is TableBuilder: rows of columns, each column padded on the right to its widest cell
// (the last one too, hence nodetool's trailing spaces), joined by a delimiter.
type table struct {
	rows   [][]string
	widths []int
}

func (t *table) add(row ...string) {
	for len(t.widths) < len(row) {
		t.widths = append(t.widths, 0)
	}
	for i, cell := range row {
		t.widths[i] = max(t.widths[i], utf8.RuneCountInString(cell))
	}
	t.rows = append(t.rows, row)
}

func (t *table) write(b *strings.Builder, delimiter string) {
	for _, row := range t.rows {
		for i, w := range t.widths {
			cell := ""
			if i < len(row) {
				cell = row[i]
			}
			b.WriteString(cell)
			b.WriteString(strings.Repeat(" ", w-utf8.RuneCountInString(cell)))
			if i < len(t.widths)-1 {
				b.WriteString(delimiter)
			}
		}
		b.WriteString("\n")
	}
}

// sharedTables is TableBuilder.SharedTable: tables printed one after the other (a datacenter
// each, in nodetool status) whose columns share their widths, so that they line up.
type sharedTables struct{ tables []*table }

func (s *sharedTables) next() *table {
	t := &table{}
	s.tables = append(s.tables, t)
	return t
}

// complete widens every table's columns to the widest of all.
func (s *sharedTables) complete() {
	var widths []int
	for _, t := range s.tables {
		for i, w := range t.widths {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], w)
		}
	}
	for _, t := range s.tables {
		t.widths = append([]int(nil), widths...)
	}
}
