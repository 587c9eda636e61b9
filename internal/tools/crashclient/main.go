// Command crashclient is the load of .ci/crash. In write mode it streams creates to a fake from a few concurrent
// workers and prints the login of each create answered 201, until the server goes away (the script kill -9s it) or
// the duration ends. In verify mode it reads every user through the admin state dump and reports the acknowledged
// logins (one a line on stdin) that are missing.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"sync"
	"time"
)

func main() {
	base := flag.String("base", "", "the fake's base URL")
	prefix := flag.String("prefix", "crash", "prefix of the logins created, unique per round")
	workers := flag.Int("workers", 8, "concurrent writers")
	duration := flag.Duration("duration", 5*time.Second, "stop after this long even if the server stays up")
	verify := flag.Bool("verify", false, "check that every login read on stdin exists")
	flag.Parse()
	client := &http.Client{Timeout: 10 * time.Second}
	if *verify {
		os.Exit(check(client, *base))
	}
	write(client, *base, *prefix, *workers, *duration)
}

// write streams creates and prints each acknowledged login.
func write(client *http.Client, base, prefix string, workers int, duration time.Duration) {
	deadline := time.Now().Add(duration)
	out := bufio.NewWriter(os.Stdout)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := 0; time.Now().Before(deadline); i++ {
				login := fmt.Sprintf("%s.w%d.n%d", prefix, w, i)
				body, _ := json.Marshal(map[string]any{"login": login, "email": login + "@example.com",
					"firstname": "Crash", "lastname": fmt.Sprintf("W%dN%d", w, i)})
				req, _ := http.NewRequest(http.MethodPost, base+"/api/users", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Accept", "application/json")
				req.Header.Set("Connection", "close") // every request sees a server that may be gone
				resp, err := client.Do(req)
				if err != nil {
					return // the server is gone
				}
				resp.Body.Close()
				if resp.StatusCode == http.StatusCreated {
					mu.Lock()
					fmt.Fprintln(out, login)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	out.Flush()
}

// check reports the acknowledged logins the fake does not have; it returns the exit status.
func check(client *http.Client, base string) int {
	resp, err := client.Get(base + "/_admin/state")
	if err != nil {
		fmt.Fprintln(os.Stderr, "crashclient:", err)
		return 2
	}
	defer resp.Body.Close()
	var st struct {
		Users []struct {
			Login string `json:"login"`
		} `json:"users"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		fmt.Fprintln(os.Stderr, "crashclient: the state dump:", err)
		return 2
	}
	have := make(map[string]bool, len(st.Users))
	for _, u := range st.Users {
		have[u.Login] = true
	}
	acked, lost := 0, 0
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		acked++
		if !have[sc.Text()] {
			lost++
			if lost <= 10 {
				fmt.Fprintln(os.Stderr, "lost:", sc.Text())
			}
		}
	}
	fmt.Printf("%d acknowledged creates, %d lost, %d users\n", acked, lost, len(st.Users))
	if lost > 0 || acked == 0 {
		return 1
	}
	return 0
}
