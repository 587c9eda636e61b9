// Command bareserver is the baseline of scripts/load: a bare net/http handler that writes fixed bytes, so that the
// fake's throughput can be quoted as a ratio of what net/http itself does on the same machine.
package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"strconv"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8090", "listen address")
	body := flag.String("body", "", "file whose bytes every response carries")
	ctype := flag.String("content-type", "application/json; charset=utf-8", "Content-Type of the responses")
	flag.Parse()
	data, err := os.ReadFile(*body)
	if err != nil {
		log.Fatal(err)
	}
	length := strconv.Itoa(len(data))
	fmt.Printf("bare server on http://%s (%d bytes per response)\n", *addr, len(data))
	log.Fatal(http.ListenAndServe(*addr, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", *ctype)
		h.Set("Content-Length", length)
		w.Write(data)
	})))
}
