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
	"queue":          {"复核队列", "Review queue"},
	"interaction":    {"会话", "Interaction"},
	"agent":          {"坐席", "Agent"},
	"team":           {"班组", "Team"},
	"severity":       {"严重程度", "Severity"},
	"status":         {"状态", "Status"},
	"open":           {"待复核", "Open"},
	"in_review":      {"复核中", "In review"},
	"done":           {"已完成", "Done"},
	"score":          {"得分", "Score"},
	"started":        {"开始时间", "Started"},
	"failed_items":   {"未通过项", "Failed items"},
	"any":            {"全部", "Any"},
	"total":          {"共", "Total"},
	"next_page":      {"下一页", "Next page"},
	"findings":       {"评估结果", "Findings"},
	"verdict":        {"结论", "Verdict"},
	"confidence":     {"置信度", "Confidence"},
	"evidence":       {"证据", "Evidence"},
	"rationale":      {"理由", "Rationale"},
	"review":         {"复核", "Review"},
	"confirm":        {"确认", "Confirm"},
	"overturn":       {"推翻", "Overturn"},
	"comment":        {"意见", "Comment"},
	"finish":         {"完成复核", "Finish the review"},
	"save":           {"提交", "Save"},
	"saved":          {"已保存复核", "Review saved"},
	"reviews":        {"复核记录", "Reviews"},
	"reviewer":       {"复核人", "Reviewer"},
	"summary":        {"摘要", "Summary"},
	"timeline":       {"时间线", "Timeline"},
	"silence":        {"静音", "Silence"},
	"overtalk":       {"抢话", "Overtalk"},
	"coaching":       {"辅导案例库", "Coaching library"},
	"best":           {"优秀案例", "Best examples"},
	"worst":          {"待改进案例", "Examples to improve"},
	"export_csv":     {"导出 CSV", "Export CSV"},
	"export_jsonl":   {"导出 JSONL", "Export JSONL"},
	"choose_item":    {"选择评估项查看案例", "Choose an item to see examples"},
	"agent_view":     {"坐席表现", "Agent view"},
	"results":        {"评分数", "Results"},
	"passed":         {"合格", "Passed"},
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
