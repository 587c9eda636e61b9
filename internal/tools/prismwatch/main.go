// Command prismwatch is the recorder of .ci/prism. Prism's validating proxy reports what it finds wrong in an
// answer in the answer's sl-violations header; prismwatch stands in front of Prism, keeps every violation with the
// exchange it was found in, and prints a summary at the end. With -alter ids it is instead a proxy in front of the
// fake that breaks its answers in a known way (every id a string), so that .ci/prism can show that Prism, reading
// the same document, reports a broken server: its silence about the fake then means something.
//
// Only response violations count: the contract suite sends malformed requests on purpose, and Prism reports those
// too. Prism 5 has no XML parser (it validates an XML body as the text it is), so what it says of an XML body ("must
// be object", "must match a schema in anyOf") says nothing about the answer; those are counted apart, never
// silently, and the rest of an XML answer (status, headers, media type) is still held to the document.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/signal"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "address to listen on; the chosen one is written to -addr-file")
	addrFile := flag.String("addr-file", "", "file to write the listening address to, once listening")
	upstream := flag.String("upstream", "", "Prism's proxy (or, with -alter, the fake)")
	alter := flag.String("alter", "", `"ids": answer every JSON id as a string (a planted error) instead of recording`)
	report := flag.String("report", "", "file to write the summary (JSON) to when stopped")
	flag.Parse()
	up, err := url.Parse(*upstream)
	if err != nil || up.Host == "" {
		fmt.Fprintln(os.Stderr, "prismwatch: -upstream must be a URL")
		os.Exit(2)
	}
	if *alter != "" && *alter != "ids" {
		fmt.Fprintln(os.Stderr, `prismwatch: -alter takes "ids"`)
		os.Exit(2)
	}
	rec := &recorder{}
	proxy := httputil.NewSingleHostReverseProxy(up)
	if *alter == "ids" {
		proxy.ModifyResponse = idsAsStrings
	} else {
		proxy.ModifyResponse = rec.observe
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintln(os.Stderr, "prismwatch:", err)
		os.Exit(1)
	}
	if *addrFile != "" {
		if err := os.WriteFile(*addrFile, []byte(ln.Addr().String()), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "prismwatch:", err)
			os.Exit(1)
		}
	}
	srv := &http.Server{Handler: proxy, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shutdown)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(os.Stderr, "prismwatch:", err)
		os.Exit(1)
	}
	if *alter == "" && *report != "" {
		data, _ := json.MarshalIndent(rec.summary(), "", "  ")
		if err := os.WriteFile(*report, data, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "prismwatch:", err)
			os.Exit(1)
		}
	}
}

// violation is one entry of Prism's sl-violations header.
type violation struct {
	Location []string `json:"location"`
	Severity string   `json:"severity"`
	Code     any      `json:"code"` // a keyword ("type"), or a status (401) for a security violation
	Message  string   `json:"message"`
}

// Finding is a response violation with the exchange it was found in.
type Finding struct {
	Method      string `json:"method"`
	URL         string `json:"url"`
	Status      int    `json:"status"`
	ContentType string `json:"content_type"`
	Where       string `json:"where"`
	Message     string `json:"message"`
}

// Summary is what prismwatch writes when stopped.
type Summary struct {
	Exchanges          int            `json:"exchanges"`
	ByFormat           map[string]int `json:"exchanges_by_format"`
	RequestViolations  int            `json:"request_violations"`
	XMLBodiesUnread    int            `json:"xml_bodies_prism_cannot_read"`
	ResponseViolations []Finding      `json:"response_violations"`
	PrismErrors        []Finding      `json:"prism_errors"`
}

type recorder struct {
	mu  sync.Mutex
	sum Summary
}

func (rc *recorder) observe(resp *http.Response) error {
	ct := resp.Header.Get("Content-Type")
	format := formatOf(ct)
	var vs []violation
	if prismOwn(resp) {
		// Prism's own answer (it could not proxy the exchange): not the server's, and nothing was validated.
		rc.mu.Lock()
		rc.sum.PrismErrors = append(rc.sum.PrismErrors, Finding{Method: resp.Request.Method,
			URL: resp.Request.URL.RequestURI(), Status: resp.StatusCode, ContentType: ct, Message: excerpt(resp)})
		rc.mu.Unlock()
	}
	if h := resp.Header.Get("sl-violations"); h != "" {
		// Past a number of violations Prism prefixes the list with a notice.
		h = strings.TrimSpace(strings.TrimPrefix(h, "Too many violations!"))
		if err := json.Unmarshal([]byte(h), &vs); err != nil {
			vs = []violation{{Location: []string{"response"}, Code: "prismwatch", Message: "unreadable sl-violations header: " + h}}
		}
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.sum.Exchanges++
	if rc.sum.ByFormat == nil {
		rc.sum.ByFormat = map[string]int{}
	}
	rc.sum.ByFormat[format]++
	unread := false
	for _, v := range vs {
		switch {
		case len(v.Location) == 0 || v.Location[0] != "response":
			rc.sum.RequestViolations++
		case format == "xml" && len(v.Location) >= 2 && v.Location[1] == "body":
			unread = true
		default:
			rc.sum.ResponseViolations = append(rc.sum.ResponseViolations, Finding{
				Method: resp.Request.Method, URL: resp.Request.URL.RequestURI(), Status: resp.StatusCode,
				ContentType: ct, Where: strings.Join(v.Location, "."), Message: v.Message,
			})
		}
	}
	if unread {
		rc.sum.XMLBodiesUnread++
	}
	return nil
}

func (rc *recorder) summary() Summary {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	s := rc.sum
	sort.SliceStable(s.ResponseViolations, func(i, j int) bool { return s.ResponseViolations[i].Where < s.ResponseViolations[j].Where })
	if s.ResponseViolations == nil {
		s.ResponseViolations = []Finding{}
	}
	if s.PrismErrors == nil {
		s.PrismErrors = []Finding{}
	}
	return s
}

// prismOwn reports an answer Prism wrote itself, an RFC 7807 problem: the fake never answers in that type.
func prismOwn(resp *http.Response) bool {
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	return mt == "application/problem+json"
}

// excerpt is the start of an answer's body, which stays readable for the client.
func excerpt(resp *http.Response) string {
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4096))
	rest := resp.Body
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(strings.NewReader(string(body)), rest), rest}
	if err != nil {
		return err.Error()
	}
	return string(body[:min(len(body), 300)])
}

func formatOf(ct string) string {
	mt, _, err := mime.ParseMediaType(ct)
	switch {
	case err != nil || mt == "":
		return "none"
	case strings.HasSuffix(mt, "/json") || strings.HasSuffix(mt, "+json"):
		return "json"
	case strings.HasSuffix(mt, "/xml") || strings.HasSuffix(mt, "+xml"):
		return "xml"
	}
	return mt
}

var idNumber = regexp.MustCompile(`"id":(-?[0-9]+)`)

// idsAsStrings is the planted error: every id of a JSON answer of the API quoted, as a server that keeps ids as
// strings would answer.
func idsAsStrings(resp *http.Response) error {
	if formatOf(resp.Header.Get("Content-Type")) != "json" || !strings.HasPrefix(resp.Request.URL.Path, "/api/") {
		return nil
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return fmt.Errorf("reading the answer: %w", err)
	}
	body = idNumber.ReplaceAll(body, []byte(`"id":"$1"`))
	resp.Body = io.NopCloser(strings.NewReader(string(body)))
	resp.ContentLength = int64(len(body))
	resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
	return nil
}
