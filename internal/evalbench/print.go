package evalbench

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// Print writes the report as a table, one row per filter.
func (rep *Report) Print(w io.Writer) {
	fmt.Fprintf(w, "%s: %d events, %.2f MB; decoded once with eval.DecodeEvent: %.0f ns/event\n",
		rep.Events, rep.EventCount, float64(rep.Bytes)/1e6, rep.DecodeNs)
	fmt.Fprintf(w, "medians of %d passes (compile: of %d compilations); %s, GOMAXPROCS %d\n\n",
		rep.Runs, rep.CompileIters, rep.GoVersion, rep.GOMAXPROCS)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "line\tmatches\tdecoded\tdecoded\thot\traw\traw\tcompile\t")
	fmt.Fprintln(tw, "\t\tns/event\tallocs/event\tns/event\tns/event\tMB/s\tµs\t  filter")
	for _, q := range rep.Queries {
		fmt.Fprintf(tw, "%d\t%d\t%.0f\t%.2f\t%.0f\t%.0f\t%.0f\t%.1f\t  %s\n", q.Line, q.Matches, q.DecodedNs, q.DecodedAllocs, q.HotNs, q.RawNs, q.RawMBps, q.CompileMicros, q.Filter)
	}
	tw.Flush()
}
