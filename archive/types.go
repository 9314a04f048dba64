package archive

import (
	"time"

	"github.com/katafilter/katafilter/lang"
)

// DefaultTable is the table of events when none is named.
const DefaultTable = "events"

// DefaultBatch is how many events a [Loader] commits at once by default (sent to the
// database in blocks of [BlockSize]).
const DefaultBatch = 200000

// Query is a hunt: the events of a table that match a filter, in time order.
type Query struct {
	// Filter is the checked filter (it must have no error).
	Filter *lang.Filter
	// IgnoreCase compares strings without regard to case; set it as the filter was analysed.
	IgnoreCase bool
	// Since and Until bound the events' Timestamp: Since <= Timestamp < Until. A zero time
	// leaves that side open.
	Since, Until time.Time
	// Limit is the most events returned; 0 means all.
	Limit int
	// After continues a previous hunt: only the events after that position (as returned by
	// [DB.Hunt]) are returned. The zero Cursor starts at the first event.
	After Cursor
}

// LoadOptions configure a [Loader].
type LoadOptions struct {
	// Batch is how many events are committed at once; 0 means DefaultBatch.
	Batch int
	// Skipped, when set, is called with each event that the layout cannot store (an event the
	// evaluator cannot read, whose error is worded as internal/jsonl words a malformed line;
	// on PostgreSQL, a string holding U+0000), and where it was read. The event is left out
	// and the load goes on.
	Skipped func(where string, err error)
}

// LoadStats count what a [Loader] did.
type LoadStats struct {
	// Loaded is the number of events stored.
	Loaded int64
	// Present is the number of events that were already in the table (or earlier in the
	// same batch), and not stored twice.
	Present int64
	// Skipped is the number of events the layout refused (see [LoadOptions.Skipped]).
	Skipped int64
}
