// Package diff measures how faithful an implementation of Coupa's Users API (the fake) is to another (a tenant):
// it sends both the same read-only requests and compares the structure of the answers, not their values — keys
// present or missing, JSON types and string formats (a datetime in UTC or with an offset), null versus omitted,
// key order, XML element names, type attributes and nil, statuses and Content-Type — and scores each area.
package diff
