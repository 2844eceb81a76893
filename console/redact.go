package console

import (
	"github.com/zhijian-qa/zhijian/redact"
	"github.com/zhijian-qa/zhijian/schemas"
)

// Clients never see personal data, whatever the store keeps.
func redactResult(r *schemas.Result) {
	r.Summary = redact.String(r.Summary)
	for i := range r.Findings {
		redactFinding(&r.Findings[i])
	}
	for i := range r.Risks {
		for j := range r.Risks[i].Evidence {
			r.Risks[i].Evidence[j].Quote = redact.String(r.Risks[i].Evidence[j].Quote)
		}
	}
}

func redactFinding(f *schemas.Finding) {
	for j := range f.Evidence {
		f.Evidence[j].Quote = redact.String(f.Evidence[j].Quote)
	}
	f.Rationale = redact.String(f.Rationale)
}

func redactTurns(ts []schemas.Turn) {
	for i := range ts {
		ts[i].Text = redact.String(ts[i].Text)
	}
}
