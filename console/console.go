package console

import (
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"time"

	"go.uber.org/zap"

	"github.com/zhijian-qa/zhijian/console/auth"
	"github.com/zhijian-qa/zhijian/store"
)

//go:embed web
var web embed.FS

// Config is what the console serves from.
type Config struct {
	Store store.Store
	Auth  *auth.Auth
	Log   *zap.Logger
	// Now is the clock for default date ranges; nil means time.Now.
	Now func() time.Time
}

// Server is the console's HTTP handler.
type Server struct {
	cfg   Config
	pages map[string]*template.Template
	mux   *http.ServeMux
}

// New parses the templates and routes the pages and the API.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil || cfg.Auth == nil {
		return nil, fmt.Errorf("console: a store and an auth are required")
	}
	if cfg.Log == nil {
		cfg.Log = zap.NewNop()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Server{cfg: cfg, pages: map[string]*template.Template{}, mux: http.NewServeMux()}
	for _, page := range []string{"login", "dashboard", "queue", "interaction", "coaching", "agent", "calibration"} {
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(web, "web/layout.html", "web/"+page+".html")
		if err != nil {
			return nil, fmt.Errorf("console: template %s: %w", page, err)
		}
		s.pages[page] = t
	}
	static, err := fs.Sub(web, "web/static")
	if err != nil {
		return nil, err
	}
	a := cfg.Auth
	a.Routes(s.mux)
	s.mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	s.mux.HandleFunc("GET /login", s.login)
	s.mux.Handle("GET /{$}", a.Require(auth.Read, http.HandlerFunc(s.dashboard)))
	s.mux.Handle("GET /api/v1/dashboard", a.Require(auth.Read, http.HandlerFunc(s.dashboardAPI)))
	s.mux.Handle("GET /queue", a.Require(auth.Review, http.HandlerFunc(s.queue)))
	s.mux.Handle("GET /api/v1/queue", a.Require(auth.Review, http.HandlerFunc(s.queueAPI)))
	s.mux.Handle("GET /interactions/{id}", a.Require(auth.Read, http.HandlerFunc(s.interactionPage)))
	s.mux.Handle("GET /api/v1/interactions/{id}", a.Require(auth.Read, http.HandlerFunc(s.interactionAPI)))
	s.mux.Handle("POST /interactions/{id}/reviews", a.Require(auth.Review, http.HandlerFunc(s.addReview)))
	s.mux.Handle("POST /api/v1/interactions/{id}/reviews", a.Require(auth.Review, http.HandlerFunc(s.addReview)))
	s.mux.Handle("GET /calibration", a.Require(auth.Review, http.HandlerFunc(s.calibration)))
	s.mux.Handle("GET /api/v1/calibration", a.Require(auth.Review, http.HandlerFunc(s.calibrationAPI)))
	s.mux.Handle("GET /coaching", a.Require(auth.Coach, http.HandlerFunc(s.coaching)))
	s.mux.Handle("GET /coaching/export/{format}", a.Require(auth.Coach, http.HandlerFunc(s.coachingExport)))
	s.mux.Handle("GET /agents/{id}", a.Require(auth.Coach, http.HandlerFunc(s.agent)))
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'")
	s.mux.ServeHTTP(w, r)
}

// render writes a page; data gets the language, the caller and its CSRF
// token.
func (s *Server) render(w http.ResponseWriter, r *http.Request, page string, data map[string]any) {
	lang := language(w, r)
	if data == nil {
		data = map[string]any{}
	}
	data["Lang"] = lang
	data["T"] = translator(lang)
	data["Path"] = r.URL.Path
	if p := auth.From(r.Context()); p != nil {
		data["User"] = p
		data["CSRF"] = s.cfg.Auth.CSRF(r)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := s.pages[page].Execute(w, data); err != nil {
		s.cfg.Log.Warn("rendering a page", zap.String("page", page), zap.Error(err))
	}
}

// writeJSON answers an API call.
func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v) //nolint:errcheck // the client went away
}

// apiError answers an API call with a status and a message.
func apiError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]string{"error": msg}) //nolint:errcheck // the client went away
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Auth.Authenticate(r) != nil {
		http.Redirect(w, r, auth.SafeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	s.render(w, r, "login", map[string]any{
		"Next":  auth.SafeNext(r.URL.Query().Get("next")),
		"Error": r.URL.Query().Get("error") != "",
	})
}

// decodeJSON reads a JSON body into v, refusing unknown fields.
func decodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("body: %w", err)
	}
	return nil
}
