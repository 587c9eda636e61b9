package contract

import "strconv"

func conformanceChecks() []*check {
	return []*check{
		{name: checkResponses, last: true, doc: "every response any check received is documented: its status, content type and body schema (XML decoded into the same model)", run: reportFindings(checkResponses)},
		{name: checkContentType, last: true, doc: "every response is in the format asked for with Accept, and its Content-Type says so", run: reportFindings(checkContentType)},
		{name: checkXMLTypes, last: true, xmlOnly: true, doc: "XML responses type their leaves the Rails way (type=\"integer\", \"boolean\", \"dateTime\", \"symbol\", \"array\"...)", run: reportFindings(checkXMLTypes)},
		{name: checkKeySpelling, last: true, doc: "responses spell the spec's keys as the spec does (hyphens, not underscores)", run: reportFindings(checkKeySpelling)},
	}
}

// reportFindings reports what the validator found in the responses of the format. So that it never passes on
// nothing (when it runs alone), it first reads a page, a user, an unknown user and an empty result.
func reportFindings(name string) func(*checkRun) {
	return func(t *checkRun) {
		if !t.env.baselineDone {
			t.env.baselineDone = true
			sample := t.env.getSample(t)
			id, _ := idOf(sample[0])
			t.get("/api/users", q("limit", "5"))
			t.get("/api/users/"+strconv.FormatInt(id, 10), nil)
			t.get("/api/users/"+strconv.FormatInt(id*10+987654321, 10), nil)
			t.get("/api/users", q("login", t.env.loginFor("no-such-user")))
		}
		t.failures = append(t.failures, t.r.v.report(t.format, name)...)
	}
}
