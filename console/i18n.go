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
	// calibration page
	"calibration":          {"一致性校准", "Calibration"},
	"calibration_about":    {"机器判定与复核员判定的一致程度，按评估项计算，取每条发现的最新复核。", "How far the machine's verdicts agree with reviewers', per item, from the latest review of every reviewed finding."},
	"calibration_caption":  {"各评估项的一致率、Kappa 与混淆矩阵", "Agreement, kappa and confusion matrix per item"},
	"reviewed":             {"已复核", "Reviewed"},
	"agreement":            {"一致率", "Agreement"},
	"confusion":            {"混淆矩阵", "Confusion matrix"},
	"machine":              {"机器", "machine"},
	"all_items":            {"全部评估项", "All items"},
	"not_evaluated":        {"未评估", "not evaluated"},
	"no_reviews":           {"所选范围内暂无复核", "No reviews in this range"},
	"kappa_slight":         {"极低", "slight"},
	"kappa_fair":           {"一般", "fair"},
	"kappa_moderate":       {"中等", "moderate"},
	"kappa_substantial":    {"较高", "substantial"},
	"kappa_almost_perfect": {"几乎完全一致", "almost perfect"},
	"agent_chart":          {"每日平均分与合格率", "Average score and pass rate by day:"},
	// interaction page
	"transcript":    {"对话记录", "Transcript"},
	"no_transcript": {"未保存对话记录", "No transcript was kept"},
	"customer":      {"顾客", "Customer"},
	"bot":           {"机器人", "Bot"},
	"system":        {"系统", "System"},
	"hold":          {"保持", "Hold"},
	"next_page":     {"下一页", "Next page"},
	"findings":      {"评估结果", "Findings"},
	"verdict":       {"结论", "Verdict"},
	"confidence":    {"置信度", "Confidence"},
	"evidence":      {"证据", "Evidence"},
	"rationale":     {"理由", "Rationale"},
	"review":        {"复核", "Review"},
	"confirm":       {"确认", "Confirm"},
	"overturn":      {"推翻", "Overturn"},
	"comment":       {"意见", "Comment"},
	"finish":        {"完成复核", "Finish the review"},
	"save":          {"提交", "Save"},
	"saved":         {"已保存复核", "Review saved"},
	"reviews":       {"复核记录", "Reviews"},
	"reviewer":      {"复核人", "Reviewer"},
	"summary":       {"摘要", "Summary"},
	"timeline":      {"时间线", "Timeline"},
	"silence":       {"静音", "Silence"},
	"overtalk":      {"抢话", "Overtalk"},
	"coaching":      {"辅导案例库", "Coaching library"},
	"best":          {"优秀案例", "Best examples"},
	"worst":         {"待改进案例", "Examples to improve"},
	"export_csv":    {"导出 CSV", "Export CSV"},
	"export_jsonl":  {"导出 JSONL", "Export JSONL"},
	"choose_item":   {"选择评估项查看案例", "Choose an item to see examples"},
	"agent_view":    {"坐席表现", "Agent view"},
	"results":       {"评分数", "Results"},
	"passed":        {"合格", "Passed"},
	// dashboard
	"dash_channel":          {"渠道", "Channel"},
	"dash_voice":            {"语音", "Voice"},
	"dash_chat":             {"在线聊天", "Chat"},
	"dash_email":            {"邮件", "Email"},
	"dash_queue":            {"技能组", "Queue"},
	"dash_critical":         {"严重违规", "Critical violations"},
	"dash_pass_rate_by_day": {"每日合格率", "Pass rate by day"},
	"dash_avg_score_by_day": {"每日平均分", "Average score by day"},
	"dash_chart_pass_rate":  {"每日合格率柱状图", "Bar chart of the pass rate per day"},
	"dash_chart_avg_score":  {"每日平均分柱状图", "Bar chart of the average score per day"},
	"dash_chart_desc":       {"图下的表格列出相同的数据。", "The table under the chart holds the same numbers."},
	"dash_not_narrowed":     {"未按渠道、技能组和班组筛选。", "Not narrowed by channel, queue or team."},
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
