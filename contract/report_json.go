package contract

import (
	"encoding/json"
	"io"
)

// WriteJSON writes the report as indented JSON. The field names are stable (see ReportVersion); durations are in
// milliseconds.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
