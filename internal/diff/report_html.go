package diff

import (
	"html/template"
	"io"
)

// htmlReport is one self-contained page: the scores, then the differences. html/template escapes every value,
// which comes from the answers of the two sides.
var htmlReport = template.Must(template.New("diff").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>coupa-users diff</title>
<style>
body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:2em}
td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}th{background:#f3f3f3}
td.n{text-align:right}code{font-size:13px}.bad{color:#a00}.good{color:#070}
</style></head><body>
<h1>coupa-users diff: overall score {{printf "%.3f" .Overall}}</h1>
<table><tr><th>area</th><th>probes</th><th>checks</th><th>differences</th><th>score</th></tr>
{{range .Areas}}<tr><td>{{.Area}}</td><td class="n">{{.Probes}}</td><td class="n">{{.Checks}}</td><td class="n">{{.Differences}}</td><td class="n {{if lt .Score 1.0}}bad{{else}}good{{end}}">{{printf "%.3f" .Score}}</td></tr>
{{end}}</table>
{{if .Differences}}<h2>Differences (tenant → fake)</h2>
<table><tr><th>probe</th><th>kind</th><th>path</th><th>tenant</th><th>fake</th></tr>
{{range .Differences}}<tr><td>{{.Probe}}</td><td>{{.Kind}}</td><td><code>{{.Path}}</code></td><td>{{.Tenant}}</td><td>{{.Fake}}</td></tr>
{{end}}</table>{{else}}<p class="good">No structural differences.</p>{{end}}
</body></html>
`))

// WriteHTML writes the report as one self-contained HTML page.
func (r *Report) WriteHTML(w io.Writer) error { return htmlReport.Execute(w, r) }
