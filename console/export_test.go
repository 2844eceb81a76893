package console

import "net/http"

// RoutePattern returns the pattern of the route the console's mux sends r
// to, "" when no route matches. authz_test.go checks with it that each row
// of its route table reaches the route the row names.
func (s *Server) RoutePattern(r *http.Request) string {
	_, pattern := s.mux.Handler(r)
	return pattern
}
