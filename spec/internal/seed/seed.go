// Package seed reads the element table out of the flattened text of Coupa's Users API documentation page, so that
// a test can prove the curated table (spec/elements.yaml) holds every row of the seed and nothing else.
package seed

import (
	"bufio"
	"errors"
	"fmt"
	"strings"
)

// Columns is the number of columns of the element table: Element | Description | Required Field? | Unique? |
// Allowable Value | Api_In Field? | Api_Out Field? | Data Type.
const Columns = 8

// Rows returns the element table's rows, each as its non-empty cells in order. The flattening dropped empty cells
// but kept every cell's closing "|", so a row ends after eight pipes wherever they stand; the last row may be cut
// short by the end of the text.
func Rows(text string) ([][]string, error) {
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	// The element table starts after its header, which opens with "Element |" and closes with a separator of
	// eight "---|".
	headerSeen, inTable := false, false
	var rows [][]string
	var cells []string
	var pending strings.Builder
	pipes := 0
	for sc.Scan() {
		line := sc.Text()
		if !inTable {
			switch strings.TrimSpace(line) {
			case "Element |":
				headerSeen = true
			case strings.Repeat("---|", Columns):
				inTable = headerSeen
			}
			continue
		}
		// A line without a pipe continues the cell in progress (a cell's text may wrap).
		pending.WriteString(line)
		pending.WriteByte('\n')
		for {
			text := pending.String()
			i := strings.IndexByte(text, '|')
			if i < 0 {
				break
			}
			if cell := strings.Join(strings.Fields(text[:i]), " "); cell != "" {
				cells = append(cells, cell)
			}
			pending.Reset()
			pending.WriteString(text[i+1:])
			if pipes++; pipes == Columns {
				rows = append(rows, cells)
				cells, pipes = nil, 0
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading seed: %w", err)
	}
	if !inTable {
		return nil, errors.New("seed: no element table (an \"Element |\" header followed by an 8-column separator)")
	}
	if cell := strings.Join(strings.Fields(pending.String()), " "); cell != "" {
		cells = append(cells, cell)
	}
	if len(cells) > 0 {
		rows = append(rows, cells)
	}
	return rows, nil
}
