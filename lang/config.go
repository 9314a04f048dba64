package lang

// Config returns the configuration the filter was analysed with, so that tools working from
// the tree (an explanation, say) evaluate it exactly as [Filter.Program] does.
func (f *Filter) Config() Config { return f.cfg }
