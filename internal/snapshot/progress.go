package snapshot

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// progress draws a bar and an ETA on one line of w (stderr). Coupa's API has no count, so the total is estimated
// from the highest id, read once at the start: ids grow, so the last id read over the highest says how far the
// run is. Without that estimate it says how many users so far.
type progress struct {
	w       io.Writer
	start   time.Time
	firstID int64 // the id the run started after (a resumed run)
	maxID   int64 // 0: unknown
	drawn   time.Time
}

func (p *progress) update(users int, lastID int64, final bool) {
	if p.w == nil || (!final && time.Since(p.drawn) < 200*time.Millisecond) {
		return
	}
	p.drawn = time.Now()
	if p.maxID <= p.firstID || lastID > p.maxID {
		fmt.Fprintf(p.w, "\rsnapshot: %d users so far, %s", users, time.Since(p.start).Round(time.Second))
	} else {
		frac := float64(lastID-p.firstID) / float64(p.maxID-p.firstID)
		if final {
			frac = 1
		}
		const width = 30
		bar := strings.Repeat("#", int(frac*width)) + strings.Repeat("-", width-int(frac*width))
		eta := "?"
		if frac > 0 {
			eta = (time.Duration(float64(time.Since(p.start)) * (1 - frac) / frac)).Round(time.Second).String()
		}
		fmt.Fprintf(p.w, "\rsnapshot: [%s] %3.0f%% %d users, ETA %s ", bar, frac*100, users, eta)
	}
	if final {
		fmt.Fprintln(p.w)
	}
}
