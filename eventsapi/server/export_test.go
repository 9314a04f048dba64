package server

// Waiting returns the number of long polls waiting for events.
func (s *Server) Waiting() int64 { return s.waiting.Load() }
