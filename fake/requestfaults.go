package fake

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/coupa-kit/coupa-users/internal/problem"
)

// FaultHeader lets one API request ask for its own fault, for tests of a client's retries without changing the
// fake's global faults: `X-Coupa-Fake-Fault: status=503`, `delay=250ms`, `drop`, or several joined with ";" or ","
// (`status=503; delay=2s`). status answers 400–599 with Coupa's error body; delay waits up to MaxFaultDelay before
// answering (less if the client goes away); drop closes the connection without an answer (after the delay). A value
// the fake cannot read is answered 400. Options.NoRequestFaults (serve's --request-faults off) ignores the header.
//
// Prism spells this `Prefer: code=503`; the fake uses a header of its own because Prefer (RFC 7240) is a real header
// that a real client may send for its own reasons (`Prefer: return=minimal`), and a fake should never turn a real
// request into a fault.
const FaultHeader = "X-Coupa-Fake-Fault"

// MaxFaultDelay bounds FaultHeader's delay, as the global faults' latency is bounded.
const MaxFaultDelay = time.Minute

// requestFault is what one request asked for in FaultHeader.
type requestFault struct {
	status int
	delay  time.Duration
	drop   bool
}

// parseRequestFault reads FaultHeader's values; none is no fault.
func parseRequestFault(values []string) (requestFault, error) {
	var rf requestFault
	for _, v := range values {
		for part := range strings.FieldsFuncSeq(v, func(r rune) bool { return r == ';' || r == ',' }) {
			key, val, hasVal := strings.Cut(strings.TrimSpace(part), "=")
			key, val = strings.ToLower(strings.TrimSpace(key)), strings.TrimSpace(val)
			switch {
			case key == "":
			case key == "drop" && !hasVal:
				rf.drop = true
			case key == "status":
				n, err := strconv.Atoi(val)
				if err != nil || n < 400 || n > 599 {
					return rf, fmt.Errorf("status %s: want a status from 400 to 599", problem.Short(val))
				}
				rf.status = n
			case key == "delay":
				d, err := time.ParseDuration(val)
				if err != nil || d < 0 || d > MaxFaultDelay {
					return rf, fmt.Errorf("delay %s: want a duration from 0s to %s, such as 250ms", problem.Short(val), MaxFaultDelay)
				}
				rf.delay = d
			default:
				return rf, fmt.Errorf("%s: want status=CODE, delay=DURATION or drop", problem.Short(part))
			}
		}
	}
	return rf, nil
}

// dropConnection closes the request's connection without an answer. An HTTP/2 connection cannot be taken over; its
// stream is reset instead.
func dropConnection(w http.ResponseWriter) {
	if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
		conn.Close()
		return
	}
	panic(http.ErrAbortHandler)
}
