package testexit

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMain(m *testing.M) { Exit(m.Run()) }

// TestEveryTestBinaryEndsThroughExit: each directory of the module with tests has a TestMain that ends through
// Exit, so that a new test package does not bring the second-long pause back.
func TestEveryTestBinaryEndsThroughExit(t *testing.T) {
	root := filepath.Join("..", "..")
	withTests, ending := map[string]bool{}, map[string]bool{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		dir := filepath.Dir(path)
		withTests[dir] = true
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		ends := "testexit.Exit("
		if dir == filepath.Join(root, "internal", "testexit") {
			ends = "{ Exit(m.Run()) }" // this package's own
		}
		if strings.Contains(string(src), "func TestMain(m *testing.M) { ") && strings.Contains(string(src), ends) {
			ending[dir] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(withTests) < 20 {
		t.Fatalf("found tests in %d directories only: is the walk rooted at the module?", len(withTests))
	}
	for dir := range withTests {
		if !ending[dir] {
			t.Errorf("%s: its TestMain does not end through this package's Exit", dir)
		}
	}
}
