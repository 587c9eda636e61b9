package contract

import "slices"

// allChecks is the suite, in the order it runs: reading first (before the writing checks add users), then writing,
// security, robustness, and last the conformance checks, which report on every response the others received.
func allChecks() []*check {
	all := slices.Concat(
		pagingChecks(),
		filterChecks(),
		readingChecks(),
		responseFilterChecks(),
		writingChecks(),
		writeFormChecks(),
		subresourceChecks(),
		doorChecks(),
		validationChecks(),
		securityChecks(),
		robustnessChecks(),
		generatedChecks(),
		conformanceChecks(),
	)
	// Stable: the last checks keep their order.
	slices.SortStableFunc(all, func(a, b *check) int {
		switch {
		case a.last == b.last:
			return 0
		case a.last:
			return 1
		}
		return -1
	})
	return all
}
