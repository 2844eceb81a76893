// Package console is the web console and JSON API that QA reviewers,
// client account managers, trainers and admins use: server-rendered pages
// (html/template, assets embedded with go:embed, no CDN, works offline) in
// Chinese and English, and the same data as JSON under /api/v1. Every
// page and API call runs behind console/auth, which decides the caller's
// tenants; every store query is narrowed to them, and an id outside them
// answers 404.
//
// The pages, one file each with its template in web/:
//
//   - dashboard.go: coverage, scores, critical violations and top failing
//     items, trends by day as SVG charts with their tables;
//   - review.go: the review queue, the interaction page (transcript.go
//     highlights each finding's evidence in the kept turns) and reviews;
//   - calibration.go: agreement between the machine's verdicts and the
//     reviewers', per item (scorers/calibrate computes kappa);
//   - coaching.go: the coaching library with its exports, and the agent
//     view.
//
// Clients never see personal data: redact.go rewrites what they are shown,
// whatever the store keeps.
package console
