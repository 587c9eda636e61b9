package fake

import "time"

// SetRateClock gives the rate limiter another time source, so that tests move time instead of sleeping.
func SetRateClock(f *Fake, now func() time.Time) { f.faults.setClock(now) }
