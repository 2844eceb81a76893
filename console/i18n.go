package console

import (
	"net/http"
	"strings"
)

// Languages of the UI.
const (
	zh = "zh"
	en = "en"
)

// messages are the UI's words, by key, in both languages. A key without
// a translation shows itself, which the tests catch.
var messages = map[string][2]string{ // [zh, en]
	"title":          {"质检控制台", "QA console"},
	"login":          {"登录", "Sign in"},
	"logout":         {"退出", "Sign out"},
	"user":           {"用户名", "User"},
	"password":       {"密码", "Password"},
	"login_failed":   {"用户名或密码错误", "Wrong user or password"},
	"dashboard":      {"覆盖率看板", "Coverage"},
	"received":       {"接收", "Received"},
	"scored":         {"已评分", "Scored"},
	"coverage":       {"覆盖率", "Coverage"},
	"fully":          {"完整评分", "Fully scored"},
	"partially":      {"部分评分", "Partly scored"},
	"failed":         {"失败", "Failed"},
	"avg_score":      {"平均分", "Average score"},
	"pass_rate":      {"合格率", "Pass rate"},
	"flagged":        {"待复核", "Flagged for review"},
	"top_failing":    {"失败最多的评估项", "Most failed items"},
	"item":           {"评估项", "Item"},
	"scorecard":      {"评分卡", "Scorecard"},
	"failures":       {"失败次数", "Failures"},
	"by_day":         {"每日覆盖", "Coverage by day"},
	"day":            {"日期", "Day"},
	"tenant":         {"客户", "Tenant"},
	"all_tenants":    {"全部客户", "All tenants"},
	"from":           {"从", "From"},
	"to":             {"到", "To"},
	"apply":          {"筛选", "Apply"},
	"no_data":        {"暂无数据", "No data"},
	"language":       {"English", "中文"},
	"chart_coverage": {"每日接收量与评分量柱状图", "Bar chart of interactions received and scored per day"},
}

// translator returns the UI words of a language.
func translator(lang string) func(string) string {
	i := 0
	if lang == en {
		i = 1
	}
	return func(key string) string {
		if m, ok := messages[key]; ok {
			return m[i]
		}
		return key
	}
}

// language picks the UI language: ?lang= (remembered in a cookie), the
// cookie, then Accept-Language; Chinese by default.
func language(w http.ResponseWriter, r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l == zh || l == en {
		http.SetCookie(w, &http.Cookie{Name: "zhijian_lang", Value: l, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, SameSite: http.SameSiteLaxMode})
		return l
	}
	if c, err := r.Cookie("zhijian_lang"); err == nil && (c.Value == zh || c.Value == en) {
		return c.Value
	}
	if strings.HasPrefix(strings.ToLower(r.Header.Get("Accept-Language")), "en") {
		return en
	}
	return zh
}

// other is the language the switch offers.
func other(lang string) string {
	if lang == en {
		return zh
	}
	return en
}
