//go:build !race

package testexit

import "os"

const raceEnabled = false

func exitNow(code int) { os.Exit(code) }
