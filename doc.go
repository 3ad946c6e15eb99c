// Package ketacover holds the domain of coverage for ketamine and esketamine
// treatment: cases, payer policies, determinations, timeline events and
// deadlines. It imports only the standard library.
package ketacover
