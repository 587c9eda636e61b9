// Package problem is the one catalogue of the messages the fake answers in Coupa's error body. A refused write
// carries a list of Problems (a code, the element at fault and the code's arguments) and only the HTTP layer turns
// them into text, so that code which must tell one refusal from another (the fixture loader retrying users whose
// manager comes later, a test) compares codes, never sentences.
//
// The validation sentences are Rails' (Coupa is a Rails application): "First Name can't be blank", "Login has
// already been taken". The others are the fake's own, written in the same spirit, for situations where Coupa's exact
// words are not known.
package problem

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// Code says what is wrong with a value.
type Code uint8

// The codes of refused values, each with the sentence it renders as.
const (
	// Blank is a required element that is missing, null or blank: "Login can't be blank".
	Blank Code = iota + 1
	// TooLong is a string over the element's maximum length: "First Name is too long (maximum is 40 characters)".
	TooLong
	// NotInList is a value outside the element's allowed values: "Default Locale is not included in the list".
	NotInList
	// NotANumber is an integer element given something else: "Account Security Type is not a number".
	NotANumber
	// NotABoolean is a boolean element given something else: "Active is not a valid boolean".
	NotABoolean
	// Invalid is a value of the wrong shape: "Roles is invalid", "Email is invalid".
	Invalid
	// Taken is a unique value another user holds: "Login has already been taken".
	Taken
	// NoKey is a reference naming neither an id nor any key: "Manager must name a record by id or by one of its keys".
	NoKey
	// NotFound is a reference that matches no record: `Unable to find valid Role record for roles with keys
	// {"name"=>"Nope"}. Possible keys are ["id", "name"]`.
	NotFound
	// OwnManager is a user named as their own manager: "Manager can't be the user themselves".
	OwnManager
)

// Problem is one refused value.
type Problem struct {
	Code Code
	// Element is the element at fault, hyphenated ("firstname", "default-currency").
	Element string
	// Field is the part of an associated object at fault ("id", "code"), or "".
	Field string
	// Max is the maximum length, for TooLong.
	Max int
	// Object is the referenced object's class name ("Role", "User"), for NotFound.
	Object string
	// Keys are the keys the reference gave, and Valid the keys it may use, for NotFound.
	Keys  map[string]any
	Valid []string
}

// Message renders the problem as Coupa's error body writes it.
func (p Problem) Message() string {
	name := Label(p.Element)
	if p.Field != "" {
		name += " " + p.Field
	}
	switch p.Code {
	case Blank:
		return name + " can't be blank"
	case TooLong:
		return fmt.Sprintf("%s is too long (maximum is %d characters)", name, p.Max)
	case NotInList:
		return name + " is not included in the list"
	case NotANumber:
		return name + " is not a number"
	case NotABoolean:
		return name + " is not a valid boolean"
	case Taken:
		return name + " has already been taken"
	case NoKey:
		return name + " must name a record by id or by one of its keys"
	case NotFound:
		return notFound(p)
	case OwnManager:
		return name + " can't be the user themselves"
	}
	return name + " is invalid"
}

// notFound renders ActiveRecord's message for a nested reference it cannot find. Keys are sorted so that the
// message does not depend on map order.
func notFound(p Problem) string {
	keys := make([]string, 0, len(p.Keys))
	for k := range p.Keys {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	pairs := make([]string, len(keys))
	for i, k := range keys {
		val := p.Keys[k]
		if s, ok := val.(string); ok {
			val = Short(s) // a body may name a megabyte-long role: the message repeats a prefix
		}
		v, err := json.Marshal(val)
		if err != nil {
			v = []byte(strconv.Quote(fmt.Sprint(p.Keys[k])))
		}
		pairs[i] = strconv.Quote(Short(k)) + "=>" + string(v)
	}
	valid := make([]string, len(p.Valid))
	for i, k := range p.Valid {
		valid[i] = strconv.Quote(k)
	}
	return fmt.Sprintf("Unable to find valid %s record for %s with keys {%s}. Possible keys are [%s]",
		p.Object, p.Element, strings.Join(pairs, ", "), strings.Join(valid, ", "))
}

// maxQuoted is the most of a client's value a message repeats, in bytes.
const maxQuoted = 80

// Short returns a client's value as a message may repeat it: whole when short, else its first bytes (not splitting
// a character) and an ellipsis. Messages echo input, and a megabyte of it helps nobody.
func Short(s string) string {
	if len(s) <= maxQuoted {
		return s
	}
	cut := maxQuoted
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + "…"
}

// labels are the elements whose human name is not their words capitalised.
var labels = map[string]string{
	"firstname":  "First Name",
	"lastname":   "Last Name",
	"middlename": "Middle Name",
	"fullname":   "Full Name",
}

// Label is the human name Coupa's messages give an element: its words capitalised ("default-currency" → "Default
// Currency"), with Coupa's own spelling of the names ("firstname" → "First Name").
func Label(element string) string {
	if l, ok := labels[element]; ok {
		return l
	}
	words := strings.Split(element, "-")
	for i, w := range words {
		if w == "" {
			continue
		}
		r := []rune(w)
		r[0] = unicode.ToUpper(r[0])
		words[i] = string(r)
	}
	return strings.Join(words, " ")
}

// Error is a write refused for Coupa's reasons; the problems go back in Coupa's error body, in order.
type Error struct {
	Problems []Problem
}

func (e *Error) Error() string { return strings.Join(Messages(e.Problems), "; ") }

// Messages renders problems in order.
func Messages(ps []Problem) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Message()
	}
	return out
}
