package wire_test

import (
	"strings"
	"testing"

	"github.com/katafilter/katafilter/eventsapi/wire"
)

func TestParseEventsPath(t *testing.T) {
	tests := []struct{ path, want string }{
		{"/kata/events_api/v1/ID/events", "ID "},
		{"/kata/events_api/v1/ID/events&continuation_token=x", "ID &continuation_token=x"},
		{"/kata/events_api/v1/ID/events=", "ID ="},
		{"/kata/events_api/v1/ID/eventsx", "not an events path"},
		{"/kata/events_api/v1//events", "not an events path"},
		{"/kata/events_api/v1/ID", "not an events path"},
		{"/kata/events_api/v2/ID/events", "not an events path"},
		{"/kata/events_api/v1/ID/events/more", "not an events path"},
	}
	for _, tt := range tests {
		id, tail, ok := wire.ParseEventsPath(tt.path)
		got := id + " " + tail
		if !ok {
			got = "not an events path"
		}
		if got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.path, got, tt.want)
		}
	}
}

func TestParseUUID(t *testing.T) {
	tests := []struct{ in, err string }{
		{"0b5e36a4-6f5c-4a8e-9d43-1c2b3a4d5e6f", ""},
		{"0B5E36A4-6F5C-4A8E-9D43-1C2B3A4D5E6F", ""},
		{"0b5e36a46f5c4a8e9d431c2b3a4d5e6f", "is not a UUID (the form is 8-4-4-4-12 hex digits"},
		{"0b5e36a4-6f5c-4a8e-9d43-1c2b3a4d5e6g", "holds a character that is not a hex digit"},
		{"", "is not a UUID"},
	}
	for _, tt := range tests {
		_, err := wire.ParseUUID(tt.in)
		if (err == nil) != (tt.err == "") || (err != nil && !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("%q: got %v, want %q", tt.in, err, tt.err)
		}
	}
	for range 20 {
		if _, err := wire.ParseUUID(wire.NewUUID()); err != nil {
			t.Fatal(err)
		}
	}
}
