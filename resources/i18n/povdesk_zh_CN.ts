<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>AdjustDialog</name>
    <message>
        <source>Member leaving</source>
        <translation>减少的成员</translation>
    </message>
    <message>
        <source>New head</source>
        <translation>新户主</translation>
    </message>
    <message>
        <source>Exit year</source>
        <translation>脱贫年度</translation>
    </message>
    <message>
        <source>Return year</source>
        <translation>返贫年度</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>The new member</source>
        <translation>新增成员</translation>
    </message>
    <message>
        <source>Notice record (village assessment, public notice of at least {0} days, township review)</source>
        <translation>公示记录（村民代表评议、村公示不少于 {0} 天、乡镇审核）</translation>
    </message>
    <message>
        <source>A removal needs evidence</source>
        <translation>清退必须附证明材料</translation>
    </message>
    <message>
        <source>Save as draft</source>
        <translation>保存草稿</translation>
    </message>
    <message>
        <source>Submit</source>
        <translation>提交</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Required</source>
        <translation>必填</translation>
    </message>
    <message>
        <source>What stops the exit</source>
        <translation>阻止脱贫的问题</translation>
    </message>
    <message>
        <source>{0}: not met ({1})</source>
        <translation>{0}：未达标（{1}）</translation>
    </message>
    <message>
        <source>Nothing stops the exit: no exit-blocking problem, every indicator met.</source>
        <translation>无阻止脱贫的问题，各项指标均已达标。</translation>
    </message>
    <message>
        <source>New head *</source>
        <translation>新户主 *</translation>
    </message>
    <message>
        <source>The head of household leaves: name the new head</source>
        <translation>户主减少，须指定新户主</translation>
    </message>
    <message>
        <source>Only when the head of household leaves</source>
        <translation>仅在户主减少时填写</translation>
    </message>
</context>
<context>
    <name>Application</name>
    <message>
        <source>Building the demo county ({0} households)…</source>
        <extracomment>Seconds after which every window closes and the program ends: the smoke test of the built bundle (tools/smoke_bundle.py) opens the window offscreen this way and expects a clean exit. CJK fonts we can ship or find, in order of preference (WenQuanYi renders under Xvfb too). Families to fall back on where the system has them (Windows, macOS).</extracomment>
        <translation>正在生成演示县数据（{0} 户）…</translation>
    </message>
</context>
<context>
    <name>BackupDialog</name>
    <message>
        <source>Backup and restore</source>
        <translation>备份与恢复</translation>
    </message>
</context>
<context>
    <name>BackupPage</name>
    <message>
        <source>first start of the day</source>
        <translation>当日首次启动</translation>
    </message>
    <message>
        <source>backed up by hand</source>
        <translation>手动备份</translation>
    </message>
    <message>
        <source>before an import</source>
        <translation>导入前</translation>
    </message>
    <message>
        <source>before a month sign-off</source>
        <translation>月度签发前</translation>
    </message>
    <message>
        <source>before a package export</source>
        <translation>导出变更包前</translation>
    </message>
    <message>
        <source>the database as it was before a restore</source>
        <translation>恢复前的数据库</translation>
    </message>
    <message>
        <source>before upgrading to {0}</source>
        <translation>升级到 {0} 前</translation>
    </message>
    <message>
        <source>Taken</source>
        <translation>备份时间</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Households</source>
        <translation>户数</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>人数</translation>
    </message>
    <message>
        <source>Problems</source>
        <translation>问题数</translation>
    </message>
    <message>
        <source>Journal rows</source>
        <translation>变更日志条数</translation>
    </message>
    <message>
        <source>&amp;Back up now</source>
        <translation>立即备份(&amp;B)</translation>
    </message>
    <message>
        <source>&amp;Restore…</source>
        <translation>恢复(&amp;R)…</translation>
    </message>
    <message>
        <source>Open &amp;folder</source>
        <translation>打开文件夹(&amp;F)</translation>
    </message>
    <message>
        <source>A backup is taken at the first start of each day and before every import, month sign-off, package export and upgrade; 30 daily and 12 monthly ones are kept. Backing up is safe while others work. A restore keeps the current database beside it.</source>
        <translation>每天首次启动时，以及每次导入、月度签发、导出变更包和升级之前，都会自动备份；保留最近 30 天的每日备份和 12 个月的每月备份。备份时其他人可以照常工作。恢复时，当前数据库会保留在原处旁边。</translation>
    </message>
    <message>
        <source>Backups of {0} are kept in {1}</source>
        <translation>{0} 的备份保存在 {1}</translation>
    </message>
    <message>
        <source>Backed up</source>
        <translation>已备份</translation>
    </message>
    <message>
        <source>Backed up to {0}</source>
        <translation>已备份到 {0}</translation>
    </message>
    <message>
        <source>Backing up…</source>
        <translation>正在备份…</translation>
    </message>
    <message>
        <source>PostgreSQL backups (*.dump);;All files (*)</source>
        <translation>PostgreSQL 备份 (*.dump);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Restore from backup</source>
        <translation>从备份恢复</translation>
    </message>
    <message>
        <source>Restoring…</source>
        <translation>正在恢复…</translation>
    </message>
    <message>
        <source>Backups (*.sqlite);;All files (*)</source>
        <translation>备份文件 (*.sqlite);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Restore {0}?

The database goes back to the state of that backup; what was entered since is set aside (the current database is kept beside it). Nobody should be working on the database. povdesk restarts afterwards.</source>
        <translation>恢复 {0}？

数据库将回到该备份时的状态；此后录入的内容将被搁置（当前数据库会保留在旁边）。恢复时不应有人正在使用数据库。恢复后需重新启动 povdesk。</translation>
    </message>
    <message>
        <source>Restore {0} on the PostgreSQL server?

The database goes back to the state of that backup for every desk; what was entered since is set aside (the current database is first kept with pg_dump in the backups folder). Nobody should be working on the database: close povdesk on the other desks first. povdesk restarts afterwards.</source>
        <translation>在 PostgreSQL 服务器上恢复“{0}”？

所有电脑上的数据库都将回到该备份时的状态；此后录入的内容将被搁置（当前数据库会先用 pg_dump 保留在备份文件夹中）。恢复时不应有人正在使用数据库：请先关闭其他电脑上的 povdesk。恢复后需重新启动 povdesk。</translation>
    </message>
    <message>
        <source>Taken {0}: {1} households, {2} members.</source>
        <translation>备份于 {0}：{1} 户，{2} 人。</translation>
    </message>
    <message>
        <source>Restore backup</source>
        <translation>恢复备份</translation>
    </message>
    <message>
        <source>Restored</source>
        <translation>已恢复</translation>
    </message>
    <message>
        <source>Restored from {0}. The database as it was is kept as {1}.

Close povdesk and start it again to work on the restored data.</source>
        <translation>已从 {0} 恢复。恢复前的数据库保留为 {1}。

请关闭 povdesk 并重新启动，以使用恢复后的数据。</translation>
    </message>
</context>
<context>
    <name>ChangeDialog</name>
    <message>
        <source>Correction</source>
        <extracomment>what a verified visit with nothing to change records as its reason</extracomment>
        <translation>信息更正</translation>
    </message>
    <message>
        <source>Scan the form&apos;s QR code or type PD1-…</source>
        <translation>扫描表单二维码或输入 PD1-…</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>Member</source>
        <translation>成员</translation>
    </message>
    <message>
        <source>Printed</source>
        <translation>打印时</translation>
    </message>
    <message>
        <source>Current</source>
        <translation>当前</translation>
    </message>
    <message>
        <source>New value</source>
        <translation>更正为</translation>
    </message>
    <message>
        <source>Empty</source>
        <translation>清空</translation>
    </message>
    <message>
        <source>Tick to make the field empty (an untouched cell changes nothing)</source>
        <translation>勾选则将该项改为空值（未填写的单元格不作修改）</translation>
    </message>
    <message>
        <source>Why: home visit, household register, …</source>
        <translation>原因：入户核实、户口本…</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Verified, no change</source>
        <translation>核实无误</translation>
    </message>
    <message>
        <source>Record the visit: a correction request with no fields, submitted</source>
        <translation>记录本次核实：提交一条不含字段的信息更正申请</translation>
    </message>
    <message>
        <source>Save as draft</source>
        <translation>保存草稿</translation>
    </message>
    <message>
        <source>Submit</source>
        <translation>提交</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Form code</source>
        <translation>表单编号</translation>
    </message>
    <message>
        <source>printed {0} (batch {1}, version {2})</source>
        <translation>打印于 {0}（批次 {1}，版本 {2}）</translation>
    </message>
    <message>
        <source>{0} fields changed since printing</source>
        <translation>打印后已有 {0} 个字段变化</translation>
    </message>
    <message>
        <source>editing request #{0}</source>
        <translation>正在修改申请 #{0}</translation>
    </message>
    <message>
        <source>Changed since the form was printed: printed “{0}”, now “{1}”</source>
        <translation>打印后已变化：打印时为“{0}”，现为“{1}”</translation>
    </message>
    <message>
        <source>Make {0} empty</source>
        <translation>将“{0}”改为空值</translation>
    </message>
    <message>
        <source>(empty)</source>
        <translation>（空值）</translation>
    </message>
    <message>
        <source>Nothing was entered. If the household is as recorded, use “Verified, no change”.</source>
        <translation>未填写任何更正。如该户信息无误，请点击“核实无误”。</translation>
    </message>
</context>
<context>
    <name>Changes</name>
    <message>
        <source>&amp;Correct household…</source>
        <translation>更正本户信息(&amp;C)…</translation>
    </message>
    <message>
        <source>Scan a form&apos;s QR code or type PD1-…</source>
        <translation>扫描表单二维码或输入 PD1-…</translation>
    </message>
    <message>
        <source>Form code</source>
        <translation>表单编号</translation>
    </message>
    <message>
        <source>Printed form:</source>
        <translation>打印表单：</translation>
    </message>
    <message>
        <source>Open a &amp;printed form…</source>
        <translation>按打印表单打开(&amp;P)…</translation>
    </message>
    <message>
        <source>Change requests</source>
        <translation>变更申请</translation>
    </message>
    <message>
        <source>&amp;Sign off month…</source>
        <translation>按月签发(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;Reload queues</source>
        <translation>刷新申请列表(&amp;R)</translation>
    </message>
    <message>
        <source>New &amp;request</source>
        <translation>新建申请(&amp;R)</translation>
    </message>
    <message>
        <source>Change &amp;journal…</source>
        <translation>变更日志(&amp;J)…</translation>
    </message>
</context>
<context>
    <name>ChangesPanel</name>
    <message>
        <source>My drafts ({0})</source>
        <translation>我的草稿（{0}）</translation>
    </message>
    <message>
        <source>Returned to me ({0})</source>
        <translation>退回给我（{0}）</translation>
    </message>
    <message>
        <source>Awaiting my review ({0})</source>
        <translation>待我审核（{0}）</translation>
    </message>
    <message>
        <source>Awaiting sign-off ({0})</source>
        <translation>待签发（{0}）</translation>
    </message>
    <message>
        <source>Select a request to see it.</source>
        <translation>选择一条申请即可查看。</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>Member</source>
        <translation>成员</translation>
    </message>
    <message>
        <source>Old value</source>
        <translation>原值</translation>
    </message>
    <message>
        <source>New value</source>
        <translation>新值</translation>
    </message>
    <message>
        <source>Open problems of the household</source>
        <translation>该户未解决的问题</translation>
    </message>
    <message>
        <source>Comment (required to return a request)</source>
        <translation>审核意见（退回时必填）</translation>
    </message>
    <message>
        <source>Approve</source>
        <translation>审核通过</translation>
    </message>
    <message>
        <source>Return</source>
        <translation>退回</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>驳回</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>修改…</translation>
    </message>
    <message>
        <source>Submit</source>
        <translation>提交</translation>
    </message>
    <message>
        <source>Sign off month…</source>
        <translation>按月签发…</translation>
    </message>
    <message>
        <source>Made by {0} on {1}</source>
        <translation>{0} 于 {1} 填写</translation>
    </message>
    <message>
        <source>Reason: {0}</source>
        <translation>原因：{0}</translation>
    </message>
    <message>
        <source>Note: {0}</source>
        <translation>备注：{0}</translation>
    </message>
    <message>
        <source>Reviewer&apos;s comment: {0}</source>
        <translation>审核意见：{0}</translation>
    </message>
    <message>
        <source>From the printed form {0}</source>
        <translation>来自打印表单 {0}</translation>
    </message>
    <message>
        <source>Date: {0}</source>
        <translation>日期：{0}</translation>
    </message>
    <message>
        <source>Year: {0}</source>
        <translation>年度：{0}</translation>
    </message>
    <message>
        <source>Cause: {0}</source>
        <translation>原因类别：{0}</translation>
    </message>
    <message>
        <source>Notice record: assessment {0}, public notice {1} to {2}, township review {3} by {4}</source>
        <translation>公示记录：评议 {0}，公示 {1} 至 {2}，乡镇审核 {3}（{4}）</translation>
    </message>
    <message>
        <source>Incidence of poverty in {0}: {1} poor of {2} = {3:.2f} %, threshold {4:g} %: {5}</source>
        <translation>{0} 年贫困发生率：贫困人口 {1} 人 / 总人口 {2} 人 = {3:.2f}%，标准 {4:g}%：{5}</translation>
    </message>
    <message>
        <source>may exit</source>
        <translation>可以退出</translation>
    </message>
    <message>
        <source>may not exit</source>
        <translation>不能退出</translation>
    </message>
    <message>
        <source>A new household of {0} members in {1}, number {2} (created when approved)</source>
        <translation>新识别户：{0} 名成员，{1}，户编号 {2}（审核通过后建户）</translation>
    </message>
    <message>
        <source>No field changes: the household was verified as recorded.</source>
        <translation>无字段变更：已核实该户信息无误。</translation>
    </message>
    <message>
        <source>Village exit year</source>
        <translation>贫困村退出年度</translation>
    </message>
    <message>
        <source>(empty)</source>
        <translation>（空值）</translation>
    </message>
    <message>
        <source>Printed “{0}”; the registry held “{1}” when the request was made</source>
        <translation>表上打印为“{0}”；填写申请时系统中为“{1}”</translation>
    </message>
    <message>
        <source>Poor population / population</source>
        <translation>贫困人口 / 总人口</translation>
    </message>
    <message>
        <source>Incidence of poverty</source>
        <translation>贫困发生率</translation>
    </message>
    <message>
        <source>Threshold of the year</source>
        <translation>本年度退出标准</translation>
    </message>
    <message>
        <source>Open problems of the household ({0})</source>
        <translation>该户未解决的问题（{0}）</translation>
    </message>
    <message>
        <source>Open problems: none yet (the household is created when approved)</source>
        <translation>未处理问题：暂无（审核通过后建户）</translation>
    </message>
    <message>
        <source>Open problems: a village&apos;s request, of no household</source>
        <translation>未处理问题：村级申请，不属于某一户</translation>
    </message>
    <message>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Sign off month</source>
        <translation>按月签发</translation>
    </message>
    <message>
        <source>Sign off every approved request of the month (YYYY-MM) and close it:</source>
        <translation>签发该月（YYYY-MM）所有已审核的申请并关闭该月：</translation>
    </message>
    <message>
        <source>Month signed off</source>
        <translation>已按月签发</translation>
    </message>
    <message>
        <source>{0}: {1} requests signed off; the month is closed.</source>
        <translation>{0}：已签发 {1} 条申请，该月已关闭。</translation>
    </message>
</context>
<context>
    <name>CrashDialog</name>
    <message>
        <source>povdesk met an unexpected error</source>
        <extracomment>the dialogs on show (one per exception; a burst of the same error shows one)</extracomment>
        <translation>povdesk 遇到意外错误</translation>
    </message>
    <message>
        <source>povdesk met an unexpected error and could not finish what it was doing ({0}).

No data was lost: every change is saved as one whole transaction, so the unfinished one was simply not saved. You can go on working, or close povdesk and start it again.

The details are in the log: {1}
Please send the details (Copy details) to whoever supports povdesk in your office.</source>
        <translation>povdesk 遇到意外错误，未能完成正在进行的操作（{0}）。

数据没有丢失：每项修改都作为一个完整的事务保存，未完成的那一项只是没有保存。您可以继续工作，也可以关闭 povdesk 后重新启动。

详细情况已记入日志：{1}
请将详情（点“复制详情”）发给本单位负责 povdesk 的技术人员。</translation>
    </message>
    <message>
        <source>(no log file)</source>
        <translation>（无日志文件）</translation>
    </message>
    <message>
        <source>Copy details</source>
        <translation>复制详情</translation>
    </message>
    <message>
        <source>Show details</source>
        <translation>显示详情</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>已复制</translation>
    </message>
</context>
<context>
    <name>DashboardView</name>
    <message>
        <source>Export PDF report…</source>
        <translation>导出 PDF 报告…</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Requests waiting:</source>
        <translation>待办变更申请：</translation>
    </message>
    <message>
        <source>{0}: overview, data year {1}</source>
        <translation>{0}：数据总览（{1} 年度）</translation>
    </message>
    <message>
        <source>{0} households, {1} people on the register · {2} households not exited (returned included) · a poor village may exit at an incidence of {3} % or less</source>
        <translation>在册 {0} 户 {1} 人 · 未脱贫（含返贫）{2} 户 · 贫困村退出标准：贫困发生率 ≤{3}%</translation>
    </message>
    <message>
        <source>Households and people by poverty status</source>
        <translation>户数与人数：按脱贫状态</translation>
    </message>
    <message>
        <source>Households and people by attribute</source>
        <translation>户数与人数：按户属性</translation>
    </message>
    <message>
        <source>Households</source>
        <translation>户数</translation>
    </message>
    <message>
        <source>People</source>
        <translation>人数</translation>
    </message>
    <message>
        <source>Households exited by year, against the plan</source>
        <translation>逐年脱贫户数与计划</translation>
    </message>
    <message>
        <source>Exited</source>
        <translation>脱贫户数</translation>
    </message>
    <message>
        <source>Plan</source>
        <translation>计划户数</translation>
    </message>
    <message>
        <source> (no plan set)</source>
        <translation>（未设计划）</translation>
    </message>
    <message>
        <source>exited in {0}</source>
        <translation>{0} 年脱贫</translation>
    </message>
    <message>
        <source>Incidence of poverty by village (exit at {0} % or less)</source>
        <translation>各村贫困发生率（退出标准 ≤{0}%）</translation>
    </message>
    <message>
        <source>Above {0} %</source>
        <translation>高于 {0}%</translation>
    </message>
    <message>
        <source>At or below</source>
        <translation>不高于标准</translation>
    </message>
    <message>
        <source>Threshold</source>
        <translation>退出标准</translation>
    </message>
    <message>
        <source>Two assurances, three guarantees: computing…</source>
        <translation>两不愁三保障：正在计算…</translation>
    </message>
    <message>
        <source>Two assurances, three guarantees ({0})</source>
        <translation>两不愁三保障（{0} 年）</translation>
    </message>
    <message>
        <source>Met</source>
        <translation>达标</translation>
    </message>
    <message>
        <source>Not met</source>
        <translation>未达标</translation>
    </message>
    <message>
        <source>Not recorded</source>
        <translation>未登记</translation>
    </message>
    <message>
        <source>not met: {0}</source>
        <translation>未达标：{0}</translation>
    </message>
    <message>
        <source>Open problems by village</source>
        <translation>各村未处理问题</translation>
    </message>
    <message>
        <source>Open problems by village: none</source>
        <translation>各村未处理问题：无</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>Warnings</source>
        <translation>提醒</translation>
    </message>
    <message>
        <source>Export the dashboard as PDF</source>
        <translation>导出数据看板 PDF</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <source>Writing the dashboard report…</source>
        <translation>正在生成数据看板报告…</translation>
    </message>
    <message>
        <source>Overview</source>
        <translation>数据总览</translation>
    </message>
    <message>
        <source>Household list</source>
        <translation>户列表</translation>
    </message>
</context>
<context>
    <name>DateField</name>
    <message>
        <source>Pick a date</source>
        <extracomment>The types that have a dialog here. NEW_HOUSEHOLD (all members in one table) and VILLAGE_EXIT (a village, opened from the places tree, with its incidence) come with their service: add the type here, or `HOOKS[type] = opener` for a dialog of its own. type -&gt; opener(window, household_id, request) of a type whose dialog is not this one the types that mark a year (exit year, return year)</extracomment>
        <translation>选择日期</translation>
    </message>
</context>
<context>
    <name>DonePage</name>
    <message>
        <source>Package written</source>
        <translation>变更包已写出</translation>
    </message>
    <message>
        <source>Send the file to the province; keep the SHA-256 to compare with theirs.</source>
        <translation>请将文件报送省里；留存 SHA-256，以便与省里收到的文件核对。</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>打开所在文件夹</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Sequence</source>
        <translation>序号</translation>
    </message>
    <message>
        <source>Changes</source>
        <translation>变更条数</translation>
    </message>
</context>
<context>
    <name>EvidenceBox</name>
    <message>
        <source>Evidence</source>
        <extracomment>a file&apos;s id in a list row (stored files), or its position in the pending list (not yet stored)</extracomment>
        <translation>证明材料</translation>
    </message>
    <message>
        <source>Drop files here, or use “Attach files…”</source>
        <translation>将文件拖到此处，或点击“添加文件…”</translation>
    </message>
    <message>
        <source>Attach files…</source>
        <translation>添加文件…</translation>
    </message>
    <message>
        <source>{0}  ({1}, attached when the request is saved)</source>
        <translation>{0}  （{1}，保存申请时上传）</translation>
    </message>
    <message>
        <source>No files yet: drop scans here or use “Attach files…”.</source>
        <translation>尚无文件：将扫描件拖到此处，或点击“添加文件…”。</translation>
    </message>
    <message>
        <source>Evidence ({0})</source>
        <translation>证明材料（{0}）</translation>
    </message>
    <message>
        <source>Attach evidence files</source>
        <translation>添加证明材料</translation>
    </message>
    <message>
        <source>Scans and documents (*.jpg *.jpeg *.png *.pdf *.tif *.tiff)</source>
        <translation>扫描件和文档 (*.jpg *.jpeg *.png *.pdf *.tif *.tiff)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>所有文件 (*)</translation>
    </message>
</context>
<context>
    <name>EvidenceList</name>
    <message>
        <source>Evidence</source>
        <translation>证明材料</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>(no evidence files)</source>
        <translation>（无证明材料）</translation>
    </message>
    <message>
        <source>Evidence ({0})</source>
        <translation>证明材料（{0}）</translation>
    </message>
</context>
<context>
    <name>ExportWizard</name>
    <message>
        <source>Export the monthly package</source>
        <translation>导出月度变更包</translation>
    </message>
</context>
<context>
    <name>FirstRunDialog</name>
    <message>
        <source>Welcome to povdesk</source>
        <translation>欢迎使用 povdesk</translation>
    </message>
    <message>
        <source>No database is set up on this computer yet. What would you like to do?</source>
        <translation>本机尚未设置数据库。您要：</translation>
    </message>
    <message>
        <source>Open the demo county (invented households, for trying povdesk)</source>
        <translation>打开演示县（虚构的农户，供试用 povdesk）</translation>
    </message>
    <message>
        <source>Set up my county</source>
        <translation>设置本县</translation>
    </message>
    <message>
        <source>One township a line: CODE:NAME (or leave empty: the first roster&apos;s import adds them)</source>
        <translation>每行一个乡镇：代码:名称（也可留空，首次导入花名册时自动添加）</translation>
    </message>
    <message>
        <source>Read townships from a roster…</source>
        <translation>从花名册读取乡镇…</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>County code</source>
        <translation>县级区划代码</translation>
    </message>
    <message>
        <source>County</source>
        <translation>县（市、区）</translation>
    </message>
    <message>
        <source>Prefecture</source>
        <translation>市（州）</translation>
    </message>
    <message>
        <source>Province</source>
        <translation>省</translation>
    </message>
    <message>
        <source>Townships</source>
        <translation>乡镇</translation>
    </message>
    <message>
        <source>Data folder</source>
        <translation>数据文件夹</translation>
    </message>
    <message>
        <source>Director&apos;s login</source>
        <translation>签发人登录名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Password again</source>
        <translation>再次输入密码</translation>
    </message>
    <message>
        <source>Read townships from a roster</source>
        <translation>从花名册读取乡镇</translation>
    </message>
    <message>
        <source>Rosters (*.xlsx *.xls *.csv);;All files (*)</source>
        <translation>花名册 (*.xlsx *.xls *.csv);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Give the director&apos;s login and password.</source>
        <translation>请填写签发人的登录名和密码。</translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
    <message>
        <source>Choose the data folder.</source>
        <translation>请选择数据文件夹。</translation>
    </message>
</context>
<context>
    <name>FormsImport</name>
    <message>
        <source>Importing filled forms…</source>
        <translation>正在导入已填写的对照表…</translation>
    </message>
    <message>
        <source>Import filled comparison tables</source>
        <translation>导入已填写的对照表</translation>
    </message>
    <message>
        <source>Excel workbooks (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>&amp;Import filled forms…</source>
        <translation>导入已填写的对照表(&amp;I)…</translation>
    </message>
    <message>
        <source>Comparison tables (forms --xlsx) with the correction column filled: one draft per household</source>
        <translation>已填写更正栏的对照表（forms --xlsx）：每户生成一份草稿</translation>
    </message>
</context>
<context>
    <name>FormsImportDialog</name>
    <message>
        <source>Import of filled forms</source>
        <translation>导入已填写的对照表</translation>
    </message>
    <message>
        <source>Household</source>
        <translation>户</translation>
    </message>
    <message>
        <source>Request</source>
        <translation>变更申请</translation>
    </message>
    <message>
        <source>Corrections</source>
        <translation>更正项数</translation>
    </message>
    <message>
        <source>Sheet</source>
        <translation>工作表</translation>
    </message>
    <message>
        <source>Form code</source>
        <translation>表单编号</translation>
    </message>
    <message>
        <source>{0}: {1} draft corrections made (one per household), {2} forms already imported skipped. The drafts are in “My drafts”.</source>
        <translation>{0}：已生成 {1} 份更正草稿（每户一份），跳过 {2} 份已导入的表。草稿见“我的草稿”。</translation>
    </message>
    <message>
        <source>Drafts made (double-click to open)</source>
        <translation>已生成的草稿（双击打开）</translation>
    </message>
    <message>
        <source>Already imported from a workbook (skipped)</source>
        <translation>已从工作簿导入过（已跳过）</translation>
    </message>
    <message>
        <source>{0} was not imported, nothing was written: {1} errors (file, sheet, cell, row, field).</source>
        <translation>{0} 未导入，未写入任何数据：共 {1} 处错误（文件、工作表、单元格、行、字段）。</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>GuideDialog</name>
    <message>
        <source>User guide</source>
        <translation>用户手册</translation>
    </message>
    <message>
        <source>The user guide (docs/用户手册.md) is not installed.</source>
        <translation>未安装用户手册（docs/用户手册.md）。</translation>
    </message>
</context>
<context>
    <name>Help</name>
    <message>
        <source>&amp;User guide</source>
        <translation>用户手册(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>快捷键(&amp;K)</translation>
    </message>
</context>
<context>
    <name>HouseholdDetailView</name>
    <message>
        <source>Two assurances and three guarantees</source>
        <translation>两不愁三保障</translation>
    </message>
    <message>
        <source>Household</source>
        <translation>户基本信息</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>家庭成员</translation>
    </message>
    <message>
        <source>Income</source>
        <translation>收入情况</translation>
    </message>
    <message>
        <source>Conditions</source>
        <translation>生产生活条件</translation>
    </message>
    <message>
        <source>Measures</source>
        <translation>帮扶措施</translation>
    </message>
    <message>
        <source>Cadres</source>
        <translation>帮扶责任人</translation>
    </message>
    <message>
        <source>History</source>
        <translation>变更记录</translation>
    </message>
    <message>
        <source>Problems</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Select a household in the list to see its details.</source>
        <translation>在列表中选择一户即可查看详细信息。</translation>
    </message>
    <message>
        <source>New correction…</source>
        <translation>新建更正…</translation>
    </message>
    <message>
        <source>New request</source>
        <translation>新建申请</translation>
    </message>
    <message>
        <source>Cancelled household</source>
        <translation>已注销户</translation>
    </message>
    <message>
        <source>Invented village of the demo county</source>
        <translation>演示县虚构的村</translation>
    </message>
    <message>
        <source>{0} (members listed: {1})</source>
        <translation>{0}（在册成员 {1} 人）</translation>
    </message>
    <message>
        <source>Cancellation</source>
        <translation>注销</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>not recorded</source>
        <translation>未填报</translation>
    </message>
    <message>
        <source>Met</source>
        <translation>达标</translation>
    </message>
    <message>
        <source>Not met</source>
        <translation>未达标</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>无法判断</translation>
    </message>
    <message>
        <source>Food and clothing (income above the exit line)</source>
        <translation>不愁吃、不愁穿（收入超过退出标准）</translation>
    </message>
    <message>
        <source>Compulsory education</source>
        <translation>义务教育有保障</translation>
    </message>
    <message>
        <source>Basic medical care</source>
        <translation>基本医疗有保障</translation>
    </message>
    <message>
        <source>Safe housing</source>
        <translation>住房安全有保障</translation>
    </message>
    <message>
        <source>Safe drinking water</source>
        <translation>饮水安全有保障</translation>
    </message>
    <message>
        <source>Electricity, radio and TV</source>
        <translation>通生活用电、广播电视</translation>
    </message>
    <message>
        <source>Indicator</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状况</translation>
    </message>
    <message>
        <source>Basis</source>
        <translation>依据</translation>
    </message>
    <message>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>操作人</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Old value</source>
        <translation>原值</translation>
    </message>
    <message>
        <source>New value</source>
        <translation>新值</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Problems ({0})</source>
        <translation>问题（{0}）</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>提醒</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>级别</translation>
    </message>
    <message>
        <source>Member</source>
        <translation>成员</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题描述</translation>
    </message>
    <message>
        <source>Fields</source>
        <translation>涉及字段</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>规则</translation>
    </message>
</context>
<context>
    <name>HouseholdTableModel</name>
    <message>
        <source>Household size says {0}, but {1} current members are listed</source>
        <extracomment>(row attribute, field key, service sort key or None, numeric): the columns of the household list, `groups.HOUSEHOLD_LIST`; the service sorts by each column&apos;s name.</extracomment>
        <translation>家庭人口数为 {0}，但在册成员为 {1} 人</translation>
    </message>
    <message>
        <source>{0} (matched: {1})</source>
        <translation>{0} (匹配: {1})</translation>
    </message>
    <message>
        <source>This column cannot be sorted</source>
        <translation>此列不能排序</translation>
    </message>
</context>
<context>
    <name>ImportWizard</name>
    <message>
        <source>(not imported)</source>
        <translation>（不导入）</translation>
    </message>
    <message>
        <source>Column in file</source>
        <translation>文件中的列</translation>
    </message>
    <message>
        <source>Imported as</source>
        <translation>导入为</translation>
    </message>
    <message>
        <source>Recognised by</source>
        <translation>识别依据</translation>
    </message>
    <message>
        <source>data dictionary</source>
        <translation>数据字典</translation>
    </message>
    <message>
        <source>your earlier choice</source>
        <translation>您此前的选择</translation>
    </message>
    <message>
        <source>chosen now</source>
        <translation>本次选择</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未识别</translation>
    </message>
    <message>
        <source>Not a known roster column: choose a field to import it, or leave it out.</source>
        <translation>不是已知的花名册列：请选择要导入的字段，或不导入。</translation>
    </message>
    <message>
        <source>Row</source>
        <translation>行</translation>
    </message>
    <message>
        <source>Column</source>
        <translation>列</translation>
    </message>
    <message>
        <source>Household</source>
        <translation>户编号</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Member</source>
        <translation>成员</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>Old value</source>
        <translation>原值</translation>
    </message>
    <message>
        <source>New value</source>
        <translation>新值</translation>
    </message>
    <message>
        <source>(empty)</source>
        <translation>（空）</translation>
    </message>
    <message>
        <source>member added</source>
        <translation>新增成员</translation>
    </message>
    <message>
        <source>A changed ID number is a change of identity: a reviewer should confirm it.</source>
        <translation>身份证号变更属于身份变更：须由审核人核实。</translation>
    </message>
    <message>
        <source>Filter by household number, name, field or value</source>
        <translation>按户编号、姓名、字段或值筛选</translation>
    </message>
    <message>
        <source>{0} identity changes will be sent for review. A changed ID number is a change of identity, not a correction: the import leaves it as held and makes a change request for a reviewer.</source>
        <translation>{0} 处身份证号变更将送审核。身份证号变更是身份的变更而不是一般更正：导入不修改原号码，而是生成变更申请交审核人确认。</translation>
    </message>
    <message>
        <source>{0} identity changes were sent for review. The ID numbers stay as held until a reviewer approves each change request.</source>
        <translation>{0} 处身份证号变更已送审核。在审核人批准各变更申请之前，身份证号保持原值。</translation>
    </message>
    <message>
        <source>Changes ({0})</source>
        <translation>变更明细（{0}）</translation>
    </message>
    <message>
        <source>Identity changes ({0})</source>
        <translation>身份变更（{0}）</translation>
    </message>
    <message>
        <source>Errors and notices ({0})</source>
        <translation>格式错误与提示（{0}）</translation>
    </message>
    <message>
        <source>New households</source>
        <translation>新增户</translation>
    </message>
    <message>
        <source>New members</source>
        <translation>新增人</translation>
    </message>
    <message>
        <source>Changed fields</source>
        <translation>变更字段</translation>
    </message>
    <message>
        <source>{0} in {1} households</source>
        <translation>{0} 处，涉及 {1} 户</translation>
    </message>
    <message>
        <source>Values to be cleared (blank in the file)</source>
        <translation>将被清空的值（文件中为空）</translation>
    </message>
    <message>
        <source>Values cleared (blank in the file)</source>
        <translation>已清空的值（文件中为空）</translation>
    </message>
    <message>
        <source>Unchanged households</source>
        <translation>无变化户</translation>
    </message>
    <message>
        <source>Skipped households (format errors)</source>
        <translation>整户跳过（有格式错误）</translation>
    </message>
    <message>
        <source>Format errors</source>
        <translation>格式错误</translation>
    </message>
    <message>
        <source>Notices (imported: control characters removed, repeated rows merged)</source>
        <translation>提示（已导入：删除了控制字符、合并了重复行）</translation>
    </message>
    <message>
        <source>Members missing from the file (kept, to review)</source>
        <translation>文件中已没有的成员（保留，待核实）</translation>
    </message>
    <message>
        <source>Places created</source>
        <translation>新建的地点</translation>
    </message>
    <message>
        <source> (placeholder code)</source>
        <translation>（临时代码）</translation>
    </message>
    <message>
        <source>Choose the roster file</source>
        <translation>选择花名册文件</translation>
    </message>
    <message>
        <source>The person list or household list exported by the national system (.xlsx, .xls, or .csv in UTF-8 or GBK).</source>
        <translation>全国扶贫开发信息系统导出的人员花名册或户信息表（.xlsx、.xls，或 UTF-8 / GBK 编码的 .csv）。</translation>
    </message>
    <message>
        <source>Roster file</source>
        <translation>花名册文件</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Rosters (*.xlsx *.xls *.csv);;All files (*)</source>
        <translation>花名册 (*.xlsx *.xls *.csv);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Columns</source>
        <translation>列对应</translation>
    </message>
    <message>
        <source>person list: one row per member</source>
        <translation>人员花名册：每名成员一行</translation>
    </message>
    <message>
        <source>household list: one row per household</source>
        <translation>户信息表：每户一行</translation>
    </message>
    <message>
        <source>Header found in row {0}. Unknown columns are not imported unless you choose a field for them; your choice is remembered.</source>
        <translation>表头在第 {0} 行。未识别的列不导入，除非您为其选择字段；您的选择会被记住。</translation>
    </message>
    <message>
        <source>{0}: {1}; {2} columns, {3} unknown.</source>
        <translation>{0}：{1}；共 {2} 列，{3} 列未识别。</translation>
    </message>
    <message>
        <source>What the import will do</source>
        <translation>导入预览</translation>
    </message>
    <message>
        <source>A dry run: nothing has been written yet.</source>
        <translation>试运行：尚未写入任何数据。</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Reading the file…</source>
        <translation>正在读取文件…</translation>
    </message>
    <message>
        <source>Press Import to write these changes in one step.</source>
        <translation>点击“导入”一次性写入以上变更。</translation>
    </message>
    <message>
        <source>Nothing can be imported: every household has format errors.</source>
        <translation>没有可导入的数据：所有户都有格式错误。</translation>
    </message>
    <message>
        <source>Importing</source>
        <translation>正在导入</translation>
    </message>
    <message>
        <source>All changes are written in one step; cancelling leaves the database as it was.</source>
        <translation>所有变更一次性写入；取消则数据库保持原样。</translation>
    </message>
    <message>
        <source>Cancel import</source>
        <translation>取消导入</translation>
    </message>
    <message>
        <source>Importing…</source>
        <translation>正在导入…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>Done.</source>
        <translation>完成。</translation>
    </message>
    <message>
        <source>Import cancelled. Nothing was changed.</source>
        <translation>已取消导入，数据未作任何改动。</translation>
    </message>
    <message>
        <source>The import failed and nothing was changed: {0}</source>
        <translation>导入失败，数据未作任何改动：{0}</translation>
    </message>
    <message>
        <source>Import finished</source>
        <translation>导入完成</translation>
    </message>
    <message>
        <source>Save error report…</source>
        <translation>保存错误报告…</translation>
    </message>
    <message>
        <source>Households with format errors were skipped whole. The error report is a copy of the file with every faulty cell marked and a message column.</source>
        <translation>有格式错误的户已整户跳过。错误报告是原文件的副本，标出了每个出错的单元格，并附有错误说明列。</translation>
    </message>
    <message>
        <source>Kept: {0} households of the file were imported; only the {1} households with errors wait for the corrected file.</source>
        <translation>已保留：文件中 {0} 户已导入；只有 {1} 户有错误，待更正后的文件再导入。</translation>
    </message>
    <message>
        <source>{0} cells could not be read: only those fields were left out, the rest of their rows was imported (see the notices and the error report).</source>
        <translation>{0} 个单元格无法读取：只有这些字段未导入，所在行的其余字段已导入（见提示和错误报告）。</translation>
    </message>
    <message>
        <source>Members no longer in the file were kept; review them: {0}</source>
        <translation>文件中已没有的成员仍保留，请核实：{0}</translation>
    </message>
    <message>
        <source>No household changed: the checks have nothing new to look at.</source>
        <translation>没有户发生变化，无需重新检查。</translation>
    </message>
    <message>
        <source>Checking the {0} changed households…</source>
        <translation>正在检查变化的 {0} 户…</translation>
    </message>
    <message>
        <source>Checks on the {0} changed households: {1} problems opened, {2} closed, {3} still open.</source>
        <translation>已检查变化的 {0} 户：新增问题 {1} 个，关闭 {2} 个，仍待核实 {3} 个。</translation>
    </message>
    <message>
        <source>The import is saved, but the checks did not run: {0}</source>
        <translation>导入已保存，但检查未能运行：{0}</translation>
    </message>
    <message>
        <source>Save error report</source>
        <translation>保存错误报告</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>Error report saved: {0}</source>
        <translation>错误报告已保存：{0}</translation>
    </message>
    <message>
        <source>Writing the error report…</source>
        <translation>正在写错误报告…</translation>
    </message>
    <message>
        <source>Import roster</source>
        <translation>导入花名册</translation>
    </message>
    <message>
        <source>Import roster…</source>
        <translation>导入花名册…</translation>
    </message>
    <message>
        <source>Export roster…</source>
        <translation>导出花名册…</translation>
    </message>
    <message>
        <source>Export roster</source>
        <translation>导出花名册</translation>
    </message>
    <message>
        <source>Exported {0} members to {1}</source>
        <translation>已导出 {0} 名成员到 {1}</translation>
    </message>
    <message>
        <source>Exporting the roster…</source>
        <translation>正在导出花名册…</translation>
    </message>
</context>
<context>
    <name>JournalModel</name>
    <message>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>操作人</translation>
    </message>
    <message>
        <source>Household</source>
        <translation>户编号</translation>
    </message>
    <message>
        <source>Member</source>
        <translation>成员</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>Old value</source>
        <translation>原值</translation>
    </message>
    <message>
        <source>New value</source>
        <translation>新值</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Request</source>
        <translation>申请/批次</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
</context>
<context>
    <name>JournalWindow</name>
    <message>
        <source>Change journal</source>
        <translation>变更日志</translation>
    </message>
    <message>
        <source>village code or household number</source>
        <translation>村代码或户编号</translation>
    </message>
    <message>
        <source>request number (12 or CR-12) or reference</source>
        <translation>申请编号（12 或 CR-12）或其他批次号</translation>
    </message>
    <message>
        <source>(all)</source>
        <translation>（全部）</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>查询</translation>
    </message>
    <message>
        <source>Clear filters</source>
        <translation>清除条件</translation>
    </message>
    <message>
        <source>From</source>
        <translation>起始日期</translation>
    </message>
    <message>
        <source>To</source>
        <translation>截止日期</translation>
    </message>
    <message>
        <source>User</source>
        <translation>操作人</translation>
    </message>
    <message>
        <source>Village or household</source>
        <translation>村或户</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>Request</source>
        <translation>申请</translation>
    </message>
    <message>
        <source>A date is written YYYY-MM-DD.</source>
        <translation>日期格式应为 YYYY-MM-DD。</translation>
    </message>
    <message>
        <source>{0} entries</source>
        <translation>共 {0} 条</translation>
    </message>
</context>
<context>
    <name>ListFilterBar</name>
    <message>
        <source>All statuses</source>
        <translation>全部脱贫状态</translation>
    </message>
    <message>
        <source>All attributes</source>
        <translation>全部贫困户属性</translation>
    </message>
    <message>
        <source>Any monitoring</source>
        <translation>全部监测类型</translation>
    </message>
    <message>
        <source>Marked (either kind)</source>
        <translation>已标注监测（任一类）</translation>
    </message>
    <message>
        <source>With open problems</source>
        <translation>有未整改问题</translation>
    </message>
    <message>
        <source>Cancelled households too</source>
        <translation>含已销户</translation>
    </message>
    <message>
        <source>Export list…</source>
        <translation>导出列表…</translation>
    </message>
    <message>
        <source>Save the list as filtered as an Excel workbook</source>
        <translation>将筛选后的列表保存为 Excel 工作簿</translation>
    </message>
    <message>
        <source>Export list</source>
        <translation>导出列表</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>{0} households exported to {1}</source>
        <translation>已导出 {0} 户到 {1}</translation>
    </message>
</context>
<context>
    <name>LiveRefresh</name>
    <message>
        <source>The connection to the database server was lost; retrying…</source>
        <translation>与数据库服务器的连接已断开，正在重试…</translation>
    </message>
</context>
<context>
    <name>Login</name>
    <message>
        <source>User: {0}</source>
        <translation>用户：{0}</translation>
    </message>
    <message>
        <source>Not logged in (read only)</source>
        <translation>未登录（只读）</translation>
    </message>
    <message>
        <source>Logged in: {0} ({1}, {2})</source>
        <translation>已登录：{0}（{1}，{2}）</translation>
    </message>
    <message>
        <source>&amp;Users…</source>
        <translation>用户(&amp;U)…</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>Log in to povdesk</source>
        <extracomment>the demo county&apos;s meta key (`povdesk.demo.service.META_KEY`): its login dialog names the demo users</extracomment>
        <translation>登录 povdesk</translation>
    </message>
    <message>
        <source>Demo users: clerk / reviewer / director, password demo</source>
        <translation>演示用户：clerk / reviewer / director，密码 demo</translation>
    </message>
    <message>
        <source>Database: {0}</source>
        <translation>数据库：{0}</translation>
    </message>
    <message>
        <source>Login</source>
        <translation>登录名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Log in</source>
        <translation>登录</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>{0} on {1}</source>
        <extracomment>a docked panel scrolls inside its dock below one row of its text and this margin (its buttons)</extracomment>
        <translation>{1} 上的 {0}</translation>
    </message>
    <message>
        <source>Search by name, ID number or household number</source>
        <extracomment>rows the first start fits the columns to (the list&apos;s first pages) the first household&apos;s detail is shown once the list has painted (off the start&apos;s path) the bottom docks&apos; height per central view (&quot;dashboard&quot;, &quot;list&quot;): low under the charts, a quarter of the window under the list; what the user sets in a view is kept for it</extracomment>
        <translation>按姓名、证件号码或户编号查找</translation>
    </message>
    <message>
        <source>Demo county: invented data</source>
        <translation>演示县：数据为虚构</translation>
    </message>
    <message>
        <source>This database was built by `povdesk demo`: its villages, people and faults are invented, for trying povdesk out.</source>
        <translation>此数据库由 `povdesk demo` 生成：村、人员和错误均为虚构，仅供试用 povdesk。</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Data</source>
        <translation>数据(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Checks</source>
        <translation>核查(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Print</source>
        <translation>打印(&amp;P)</translation>
    </message>
    <message>
        <source>C&amp;hanges</source>
        <translation>变更(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Open database…</source>
        <translation>打开数据库(&amp;O)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Backup and restore…</source>
        <translation>备份与恢复(&amp;B)…</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>刷新(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Find household</source>
        <translation>查找农户(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Places</source>
        <translation>行政区划(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;About povdesk</source>
        <translation>关于 povdesk(&amp;A)</translation>
    </message>
    <message>
        <source>file {0}</source>
        <extracomment>keys for the frequent actions that their feature left without one (name in actions_by_name)</extracomment>
        <translation>文件 {0}</translation>
    </message>
    <message>
        <source>a database server</source>
        <translation>数据库服务器</translation>
    </message>
    <message>
        <source>&lt;h3&gt;{0} {1}&lt;/h3&gt;&lt;p&gt;The county workstation for the registered poor-household data.&lt;/p&gt;&lt;p&gt;Database: {2}&lt;br&gt;Schema revision: {3}&lt;/p&gt;&lt;p&gt;Households: {4} registered ({5} recorded, cancelled households included)&lt;br&gt;Members: {6} current ({7} recorded, members who died or moved away included; the status bar counts the current ones)&lt;br&gt;Journal entries: {8}&lt;/p&gt;</source>
        <translation>&lt;h3&gt;{0} {1}&lt;/h3&gt;&lt;p&gt;县级建档立卡贫困户数据工作站。&lt;/p&gt;&lt;p&gt;数据库：{2}&lt;br&gt;数据库结构版本：{3}&lt;/p&gt;&lt;p&gt;户数：在册 {4} 户（共记录 {5} 户，含已销户）&lt;br&gt;人数：当前在册 {6} 人（共记录 {7} 人，含已死亡、迁出等减少人员；状态栏显示的是当前在册人数）&lt;br&gt;变更记录：{8} 条&lt;/p&gt;</translation>
    </message>
    <message>
        <source>{0} (demo county)</source>
        <translation>{0}（演示县）</translation>
    </message>
    <message>
        <source>{0} households shown · {1} households, {2} current members in the database</source>
        <translation>列表 {0} 户 · 库内在册 {1} 户 {2} 人</translation>
    </message>
    <message>
        <source>About povdesk</source>
        <translation>关于 povdesk</translation>
    </message>
    <message>
        <source>Open database</source>
        <translation>打开数据库</translation>
    </message>
    <message>
        <source>povdesk databases (*.sqlite *.db);;All files (*)</source>
        <translation>povdesk 数据库 (*.sqlite *.db);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Opening {0}…</source>
        <translation>正在打开 {0}…</translation>
    </message>
    <message>
        <source>Database: {0}</source>
        <translation>数据库：{0}</translation>
    </message>
    <message>
        <source>{0} selected</source>
        <translation>已选 {0} 户</translation>
    </message>
</context>
<context>
    <name>MemberTable</name>
    <message>
        <source>A valid ID number</source>
        <extracomment>what a newly identified household (not exited, never returned) has no use for the household fields a new household&apos;s dialog asks for (the rest come from its members) the member columns: every editable member field, in the dictionary&apos;s order filled from a valid ID number, so not marked required in the table</extracomment>
        <translation>身份证号码有效</translation>
    </message>
    <message>
        <source>Named in the refusal below</source>
        <translation>下方的退回原因提到此行</translation>
    </message>
    <message>
        <source>No ID number</source>
        <translation>未填身份证号码</translation>
    </message>
    <message>
        <source>An ID number has 18 characters</source>
        <translation>身份证号码应为 18 位</translation>
    </message>
    <message>
        <source>A 15-digit number: give the 18-digit one</source>
        <translation>15 位旧号码：请填写 18 位号码</translation>
    </message>
    <message>
        <source>Only digits, and X as the last character</source>
        <translation>只能是数字，末位可为 X</translation>
    </message>
    <message>
        <source>The birth date in the number is not a real past day</source>
        <translation>号码中的出生日期不是真实的过去日期</translation>
    </message>
    <message>
        <source>The check digit does not fit (a digit mistyped?)</source>
        <translation>校验码不符（是否输错一位？）</translation>
    </message>
</context>
<context>
    <name>Messages</name>
    <message>
        <source>Unexpected error: {0}</source>
        <extracomment>a refusal or a failed step shown in place (dialogs&apos; error labels) a step that went well</extracomment>
        <translation>意外错误：{0}</translation>
    </message>
    <message>
        <source>Not your decision</source>
        <translation>无权执行此操作</translation>
    </message>
    <message>
        <source>Something went wrong</source>
        <translation>出错了</translation>
    </message>
    <message>
        <source>The database is busy</source>
        <translation>数据库正忙</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Changed at another desk</source>
        <translation>已被其他工作站修改</translation>
    </message>
    <message>
        <source>Reload</source>
        <translation>重新载入</translation>
    </message>
</context>
<context>
    <name>MonthPage</name>
    <message>
        <source>The month to send</source>
        <translation>选择报送月份</translation>
    </message>
    <message>
        <source>The package carries every request the director signed off in the month that no earlier package carries.</source>
        <translation>变更包包含该月已签发、且尚未报送过的全部变更申请。</translation>
    </message>
    <message>
        <source>Only the director exports the monthly package: it is signed with the office key, which the director&apos;s password protects. You are logged in as {0} ({1}); you can look at what the package would hold.</source>
        <translation>只有签发人可以导出月度变更包：变更包用县办公室密钥签名，该密钥由签发人的密码保护。您当前登录为 {0}（{1}），只能查看变更包将包含的内容。</translation>
    </message>
    <message>
        <source>Months waiting: {0}</source>
        <translation>待报送月份：{0}</translation>
    </message>
    <message>
        <source>No month is waiting to be sent.</source>
        <translation>没有待报送的月份。</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>变更类型</translation>
    </message>
    <message>
        <source>Changes</source>
        <translation>条数</translation>
    </message>
    <message>
        <source>Household</source>
        <translation>户编号</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>规则</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Open household</source>
        <translation>查看该户</translation>
    </message>
    <message>
        <source>Correct each problem, or have a reviewer accept it as an exception, then look again.</source>
        <translation>请逐条整改，或由审核员认定为例外，然后点“重新查看”。</translation>
    </message>
    <message>
        <source>Look again</source>
        <translation>重新查看</translation>
    </message>
    <message>
        <source>Month</source>
        <translation>月份</translation>
    </message>
    <message>
        <source>A month is written YYYY-MM.</source>
        <translation>月份格式为 YYYY-MM。</translation>
    </message>
    <message>
        <source>Package no. {0} of {1}: {2} changes of {3} households.</source>
        <translation>{1} 第 {0} 号变更包：{3} 户，共 {2} 条变更。</translation>
    </message>
    <message>
        <source> {0} requests of this month went into earlier packages.</source>
        <translation>本月另有 {0} 条申请已在之前的变更包中报送。</translation>
    </message>
    <message>
        <source>{0} holds no signed-off request that is not in a package yet: there is nothing to export.</source>
        <translation>{0} 没有尚未报送的已签发申请，无需导出。</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message>
        <source>{0} open error-level problems of the changed households block the export:</source>
        <translation>变更涉及的户尚有 {0} 个未整改的错误级问题，不能导出：</translation>
    </message>
    <message>
        <source>No open error-level problem in the changed households.</source>
        <translation>变更涉及的户没有未整改的错误级问题。</translation>
    </message>
</context>
<context>
    <name>NavigatorModel</name>
    <message>
        <source>Invented village of the demo county</source>
        <translation>演示县虚构的村</translation>
    </message>
    <message>
        <source>Place</source>
        <translation>行政区划</translation>
    </message>
    <message>
        <source>Households</source>
        <translation>户数</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>人数</translation>
    </message>
    <message>
        <source>Open problems</source>
        <translation>待整改问题</translation>
    </message>
</context>
<context>
    <name>NewHouseholdDialog</name>
    <message>
        <source>Village</source>
        <translation>行政村</translation>
    </message>
    <message>
        <source>Household (head&apos;s name and number, size, status and first year come from the members and the data year)</source>
        <translation>户信息（户主姓名及证件号码、家庭人口数、脱贫状态、首次识别年度由成员和数据年度生成）</translation>
    </message>
    <message>
        <source>blank: the village&apos;s next free number</source>
        <translation>留空：自动分配本村下一个户编号</translation>
    </message>
    <message>
        <source>Members (one row each; the first is usually the head)</source>
        <translation>家庭成员（每人一行，第一行通常为户主）</translation>
    </message>
    <message>
        <source>Add member</source>
        <translation>添加成员</translation>
    </message>
    <message>
        <source>Remove selected</source>
        <translation>删除所选</translation>
    </message>
    <message>
        <source>Sex and birth date are taken from a valid ID number.</source>
        <translation>性别和出生日期取自有效的身份证号码。</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
</context>
<context>
    <name>OfficeKeyDialog</name>
    <message>
        <source>Office signing key</source>
        <translation>县办公室签名密钥</translation>
    </message>
    <message>
        <source>The province checks the signature of every monthly package with this public key. Give it to the province once, and read the fingerprint to them over the telephone so that they know the key is this office&apos;s.</source>
        <translation>省里用此公钥核验每个月度变更包的签名。请将公钥交给省里一次，并通过电话向省里念一遍指纹，以确认该公钥确属本县办公室。</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Save as .pem…</source>
        <translation>另存为 .pem…</translation>
    </message>
    <message>
        <source>Make the key…</source>
        <translation>生成密钥…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Fingerprint (SHA-256)</source>
        <translation>指纹（SHA-256）</translation>
    </message>
    <message>
        <source>Made</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>The office has no signing key yet. It is made the first time the director exports a package, or here by the director, sealed with their password.</source>
        <translation>县办公室尚无签名密钥。签发人首次导出变更包时会自动生成，签发人也可在此生成；密钥由签发人的密码保护。</translation>
    </message>
    <message>
        <source>{0}, by director {1} (the key opens with their password)</source>
        <translation>{0}，由签发人 {1} 生成（用其密码打开）</translation>
    </message>
    <message>
        <source>The public key is on the clipboard.</source>
        <translation>公钥已复制到剪贴板。</translation>
    </message>
    <message>
        <source>Save the public key</source>
        <translation>保存公钥</translation>
    </message>
    <message>
        <source>PEM public key (*.pem)</source>
        <translation>PEM 公钥 (*.pem)</translation>
    </message>
    <message>
        <source>The key could not be saved: {0}</source>
        <translation>公钥未能保存：{0}</translation>
    </message>
    <message>
        <source>Saved {0}.</source>
        <translation>已保存 {0}。</translation>
    </message>
    <message>
        <source>Make the office key</source>
        <translation>生成县办公室密钥</translation>
    </message>
    <message>
        <source>Your password (it seals the office key):</source>
        <translation>您的密码（用于保护县办公室密钥）：</translation>
    </message>
    <message>
        <source>Making the office key…</source>
        <translation>正在生成县办公室密钥…</translation>
    </message>
</context>
<context>
    <name>PackageHistoryModel</name>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Month</source>
        <translation>月份</translation>
    </message>
    <message>
        <source>No.</source>
        <translation>序号</translation>
    </message>
    <message>
        <source>Changes</source>
        <translation>变更条数</translation>
    </message>
    <message>
        <source>By type</source>
        <translation>按类型</translation>
    </message>
    <message>
        <source>Exported by</source>
        <translation>导出人</translation>
    </message>
    <message>
        <source>Exported at</source>
        <translation>导出时间</translation>
    </message>
    <message>
        <source>Feedback received</source>
        <translation>收到反馈</translation>
    </message>
    <message>
        <source>Accepted</source>
        <translation>通过</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>退回</translation>
    </message>
</context>
<context>
    <name>PackageHistoryWindow</name>
    <message>
        <source>Monthly packages</source>
        <translation>月度变更包</translation>
    </message>
    <message>
        <source>Export package…</source>
        <translation>导出变更包…</translation>
    </message>
    <message>
        <source>Verify…</source>
        <translation>核验…</translation>
    </message>
    <message>
        <source>Import feedback…</source>
        <translation>导入省级反馈…</translation>
    </message>
    <message>
        <source>The province&apos;s answer to the packages sent (.xlsx or .json): accepted changes are marked, each rejected one comes back to its maker as a returned request</source>
        <translation>省级对已上报变更包的审核结果（.xlsx 或 .json）：通过的变更予以标记，退回的变更作为“已退回”申请回到其申请人</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>打开所在文件夹</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>{0} packages</source>
        <translation>共 {0} 个变更包</translation>
    </message>
    <message>
        <source>No package has been exported yet.</source>
        <translation>尚未导出过变更包。</translation>
    </message>
    <message>
        <source>Where is {0}?</source>
        <translation>{0} 在哪里？</translation>
    </message>
    <message>
        <source>Packages (*.zip);;All files (*)</source>
        <translation>变更包 (*.zip);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Verifying {0}…</source>
        <translation>正在核验 {0}…</translation>
    </message>
    <message>
        <source>The province&apos;s feedback</source>
        <translation>省级反馈</translation>
    </message>
    <message>
        <source>Feedback (*.xlsx *.xls *.csv *.json);;All files (*)</source>
        <translation>反馈文件 (*.xlsx *.xls *.csv *.json);;所有文件 (*)</translation>
    </message>
    <message>
        <source>{0}: nothing new, every answer in it was already recorded.</source>
        <translation>{0}：没有新内容，其中的审核结果均已记录。</translation>
    </message>
    <message>
        <source>{0}: {1} accepted, {2} rejected; each rejected change is back in its maker&apos;s queue as a returned request.</source>
        <translation>{0}：通过 {1} 条，退回 {2} 条；每条退回的变更已作为“已退回”申请回到其申请人的待办中。</translation>
    </message>
    <message>
        <source>Reading {0}…</source>
        <translation>正在读取 {0}…</translation>
    </message>
</context>
<context>
    <name>Packages</name>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>&amp;Export monthly package…</source>
        <translation>导出月度变更包(&amp;E)…</translation>
    </message>
    <message>
        <source>Monthly &amp;packages…</source>
        <translation>月度变更包(&amp;P)…</translation>
    </message>
    <message>
        <source>Office signing &amp;key…</source>
        <translation>县办公室签名密钥(&amp;K)…</translation>
    </message>
</context>
<context>
    <name>PdfPreview</name>
    <message>
        <source>No PDF yet.</source>
        <translation>尚未生成 PDF。</translation>
    </message>
    <message>
        <source>Print…</source>
        <translation>打印…</translation>
    </message>
    <message>
        <source>Open in PDF viewer</source>
        <translation>用 PDF 阅读器打开</translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation>放大</translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation>缩小</translation>
    </message>
    <message>
        <source>The PDF preview needs Qt&apos;s PDF module (package pyside6-pdf). Open the file in a PDF viewer instead.</source>
        <translation>PDF 预览需要 Qt 的 PDF 模块（软件包 pyside6-pdf）。请改用 PDF 阅读器打开文件。</translation>
    </message>
    <message>
        <source>{0} — {1} pages</source>
        <translation>{0} — 共 {1} 页</translation>
    </message>
</context>
<context>
    <name>PrintDialog</name>
    <message>
        <source>Print comparison tables</source>
        <translation>打印对照表</translation>
    </message>
    <message>
        <source>Households</source>
        <translation>选择户</translation>
    </message>
    <message>
        <source>Preview and print</source>
        <translation>预览与打印</translation>
    </message>
    <message>
        <source>Find printed form</source>
        <translation>查找已打印的表</translation>
    </message>
    <message>
        <source>Which households</source>
        <translation>打印哪些户</translation>
    </message>
    <message>
        <source>The {0} households selected in the list</source>
        <translation>列表中选中的 {0} 户</translation>
    </message>
    <message>
        <source>Households chosen below</source>
        <translation>按以下条件选择</translation>
    </message>
    <message>
        <source>any villager group</source>
        <translation>所有村民小组</translation>
    </message>
    <message>
        <source>any status</source>
        <translation>任意脱贫状态</translation>
    </message>
    <message>
        <source>Only households with open problems</source>
        <translation>只打印有待核实问题的户</translation>
    </message>
    <message>
        <source>household numbers, separated by commas</source>
        <translation>户编号，用逗号分隔</translation>
    </message>
    <message>
        <source>Random sample</source>
        <translation>随机抽样</translation>
    </message>
    <message>
        <source>new seed</source>
        <translation>新种子</translation>
    </message>
    <message>
        <source>The same seed picks the same households again; it is logged with the print batch.</source>
        <translation>相同的种子会再次抽到相同的户；种子随打印批次记录。</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <source>Township</source>
        <translation>乡(镇)</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>行政村</translation>
    </message>
    <message>
        <source>Villager group</source>
        <translation>村民小组</translation>
    </message>
    <message>
        <source>Poverty status</source>
        <translation>脱贫状态</translation>
    </message>
    <message>
        <source>Household numbers</source>
        <translation>户编号</translation>
    </message>
    <message>
        <source>Sample</source>
        <translation>抽样</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>输出</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>PDF file</source>
        <translation>PDF 文件</translation>
    </message>
    <message>
        <source>Also write an Excel workbook (one sheet per household)</source>
        <translation>同时生成 Excel 工作簿（每户一个工作表）</translation>
    </message>
    <message>
        <source>Partly mask ID numbers</source>
        <translation>证件号码部分隐藏</translation>
    </message>
    <message>
        <source>Create PDF</source>
        <translation>生成 PDF</translation>
    </message>
    <message>
        <source>all townships</source>
        <translation>所有乡(镇)</translation>
    </message>
    <message>
        <source>all villages</source>
        <translation>所有村</translation>
    </message>
    <message>
        <source>Save comparison tables</source>
        <translation>保存对照表</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <source>{0} households will be printed, about {1} pages</source>
        <translation>将打印 {0} 户，约 {1} 页</translation>
    </message>
    <message>
        <source>No household matches these choices.</source>
        <translation>没有符合条件的户。</translation>
    </message>
    <message>
        <source>Creating the comparison tables…</source>
        <translation>正在生成对照表…</translation>
    </message>
    <message>
        <source>Print batch {0}: {1} households, {2} pages, saved as {3}.</source>
        <translation>打印批次 {0}：共 {1} 户 {2} 页，已保存为 {3}。</translation>
    </message>
    <message>
        <source>Sample seed: {0}.</source>
        <translation>抽样种子：{0}。</translation>
    </message>
    <message>
        <source>Cancelled; no batch was recorded.</source>
        <translation>已取消，未记录打印批次。</translation>
    </message>
    <message>
        <source>Scan the QR code of a printed form, or type its code</source>
        <translation>扫描已打印表上的二维码，或输入其编码</translation>
    </message>
    <message>
        <source>Find</source>
        <translation>查找</translation>
    </message>
    <message>
        <source>Printed in batch {0} on {1} (UTC) by {2}; form {3}, record version {4}.</source>
        <translation>打印批次 {0}，{1}（UTC）由 {2} 打印；表单编号 {3}，记录版本 {4}。</translation>
    </message>
    <message>
        <source>The record has changed since (now version {0}).</source>
        <translation>此后记录已修改（现为版本 {0}）。</translation>
    </message>
    <message>
        <source>The record has not changed since.</source>
        <translation>此后记录未修改。</translation>
    </message>
    <message>
        <source>Print comparison tables…</source>
        <translation>打印对照表…</translation>
    </message>
    <message>
        <source>Find printed form…</source>
        <translation>查找已打印的表…</translation>
    </message>
</context>
<context>
    <name>ProblemTreeModel</name>
    <message>
        <source>{0} fires on {1} % of members ({2} of {3}): the column may be missing from the import</source>
        <translation>{0} 在 {1}% 的成员上触发（{3} 人中 {2} 人）：导入文件可能缺少这一列</translation>
    </message>
    <message>
        <source>{0} fires on {1} % of households ({2} of {3}): the data may be missing from the import</source>
        <translation>{0} 在 {1}% 的户上触发（{3} 户中 {2} 户）：导入的数据可能缺少这一项</translation>
    </message>
    <message>
        <source>Check that the import file has this column before correcting households one by one.</source>
        <translation>请先核对导入文件是否缺少这一列，再逐户整改。</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>规则</translation>
    </message>
    <message>
        <source>Problems</source>
        <translation>问题数</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>严重程度</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Township</source>
        <translation>乡(镇)</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>行政村</translation>
    </message>
    <message>
        <source>Household</source>
        <translation>户编号</translation>
    </message>
    <message>
        <source>Head</source>
        <translation>户主</translation>
    </message>
    <message>
        <source>Member</source>
        <translation>成员</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Resolution</source>
        <translation>处理结果</translation>
    </message>
    <message>
        <source>Resolution: {0}</source>
        <translation>处理：{0}</translation>
    </message>
    <message>
        <source>Village remark: {0}</source>
        <translation>村组备注：{0}</translation>
    </message>
    <message>
        <source>History:</source>
        <translation>处理记录：</translation>
    </message>
</context>
<context>
    <name>ProblemsPanel</name>
    <message>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>提醒</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>未整改</translation>
    </message>
    <message>
        <source>Rectified</source>
        <translation>已整改</translation>
    </message>
    <message>
        <source>Accepted</source>
        <translation>认定例外</translation>
    </message>
    <message>
        <source>No longer applies</source>
        <translation>不再适用</translation>
    </message>
    <message>
        <source>Run checks</source>
        <translation>运行检查</translation>
    </message>
    <message>
        <source>Accept as exception…</source>
        <translation>认定为例外…</translation>
    </message>
    <message>
        <source>Withdraw exception…</source>
        <translation>撤销例外认定…</translation>
    </message>
    <message>
        <source>Village remark…</source>
        <translation>村组备注…</translation>
    </message>
    <message>
        <source>Export list…</source>
        <translation>导出清单…</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>行政村</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>规则</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>严重程度</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>All villages</source>
        <translation>全部村</translation>
    </message>
    <message>
        <source>Checked {0} households in {1:.1f} s: {2} found for the first time, {3} found again, {4} rectified, {5} no longer apply</source>
        <translation>已检查 {0} 户，用时 {1:.1f} 秒：新发现 {2}，再次发现 {3}，已整改 {4}，不再适用 {5}</translation>
    </message>
    <message>
        <source>All categories</source>
        <translation>全部类别</translation>
    </message>
    <message>
        <source>Follow the selection</source>
        <translation>跟随选择</translation>
    </message>
    <message>
        <source>List the problems of the place or household selected in the window</source>
        <translation>只列出窗口中选中的地区或农户的问题</translation>
    </message>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>List the problems of the whole county</source>
        <translation>列出全县的问题</translation>
    </message>
    <message>
        <source>Township</source>
        <translation>乡(镇)</translation>
    </message>
    <message>
        <source>All townships</source>
        <translation>全部乡镇</translation>
    </message>
    <message>
        <source>All rules</source>
        <translation>全部规则</translation>
    </message>
    <message>
        <source>All severities</source>
        <translation>全部严重程度</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>任意状态</translation>
    </message>
    <message>
        <source>Household {0}</source>
        <translation>农户 {0}</translation>
    </message>
    <message>
        <source>Whole county</source>
        <translation>全县</translation>
    </message>
    <message>
        <source>Problems shown: {0} (errors {1}, warnings {2})</source>
        <translation>显示 {0} 个问题（错误 {1}，提醒 {2}）</translation>
    </message>
    <message>
        <source>Only a reviewer or the director may accept a problem as an exception.</source>
        <translation>只有审核员或签发人可以认定问题为例外。</translation>
    </message>
    <message>
        <source>Only a reviewer or the director may withdraw an accepted exception.</source>
        <translation>只有审核员或签发人可以撤销例外认定。</translation>
    </message>
    <message>
        <source>Running the data-quality checks…</source>
        <translation>正在运行数据质量检查…</translation>
    </message>
    <message>
        <source>Accept as exception</source>
        <translation>认定为例外</translation>
    </message>
    <message>
        <source>Why is this not a data error? (recorded with your name)
{0}</source>
        <translation>为什么这不是数据错误？（将与您的姓名一同记录）
{0}</translation>
    </message>
    <message>
        <source>Withdraw exception</source>
        <translation>撤销例外认定</translation>
    </message>
    <message>
        <source>Why is the exception withdrawn? (recorded with your name)</source>
        <translation>撤销例外认定的理由（将与您的姓名一并记录）</translation>
    </message>
    <message>
        <source>Village remark</source>
        <translation>村组备注</translation>
    </message>
    <message>
        <source>What the village team says about this problem:</source>
        <translation>村组对该问题的说明：</translation>
    </message>
    <message>
        <source>Export problem list</source>
        <translation>导出问题清单</translation>
    </message>
    <message>
        <source>No problems are shown, so there is nothing to export.</source>
        <translation>当前没有显示任何问题，无可导出的内容。</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>Problems</source>
        <translation>问题清单</translation>
    </message>
    <message>
        <source>Year settings…</source>
        <translation>年度设置…</translation>
    </message>
</context>
<context>
    <name>RecordsView</name>
    <message>
        <source>No records</source>
        <translation>无记录</translation>
    </message>
</context>
<context>
    <name>RequestDialog</name>
    <message>
        <source>{0} - draft #{1}</source>
        <translation>{0} - 草稿 #{1}</translation>
    </message>
</context>
<context>
    <name>RequestTableModel</name>
    <message>
        <source>No.</source>
        <extracomment>the types whose requests the window edits (a dialog each; see ui.adjust_dialog.DIALOG_TYPES) the village exit&apos;s one field (not a data-dictionary key)</extracomment>
        <translation>编号</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Household</source>
        <translation>户编号</translation>
    </message>
    <message>
        <source>Maker</source>
        <translation>申请人</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Updated</source>
        <translation>更新时间</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Reviewer&apos;s comment: {0}</source>
        <translation>审核意见：{0}</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Office and printing</source>
        <translation>单位与打印</translation>
    </message>
    <message>
        <source>Users and roles</source>
        <translation>用户与角色</translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>The window switches to the new language when you press OK. Printed forms and exports are always in Chinese.</source>
        <translation>按“确定”后窗口即切换为新语言。打印的表格和导出文件始终为中文。</translation>
    </message>
    <message>
        <source>Language of the window</source>
        <translation>窗口语言</translation>
    </message>
    <message>
        <source>(no county imported yet)</source>
        <translation>（尚未导入县）</translation>
    </message>
    <message>
        <source>The county comes from the imported roster; it changes with a new import.</source>
        <translation>县取自导入的花名册，重新导入时随之变化。</translation>
    </message>
    <message>
        <source>Partly mask ID numbers on printed forms</source>
        <translation>打印表格上的身份证号部分隐藏</translation>
    </message>
    <message>
        <source>the Documents folder</source>
        <translation>“文档”文件夹</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>County</source>
        <translation>县</translation>
    </message>
    <message>
        <source>Printed forms</source>
        <translation>打印表格</translation>
    </message>
    <message>
        <source>Save printed PDFs in</source>
        <translation>打印的 PDF 保存到</translation>
    </message>
    <message>
        <source>Folder for printed forms</source>
        <translation>打印表格的保存文件夹</translation>
    </message>
    <message>
        <source>Only the director manages users and roles.</source>
        <translation>只有签发人可以管理用户和角色。</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>快捷键</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>按键</translation>
    </message>
    <message>
        <source>Menu</source>
        <translation>菜单</translation>
    </message>
    <message>
        <source>In lists and tables: arrow keys move, Enter opens, Ctrl+A selects all, Ctrl+C copies.</source>
        <translation>在列表和表格中：方向键移动，回车打开，Ctrl+A 全选，Ctrl+C 复制。</translation>
    </message>
</context>
<context>
    <name>Tasks</name>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Please wait</source>
        <translation>请稍候</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
</context>
<context>
    <name>UsersDialog</name>
    <message>
        <source>Users</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>Login</source>
        <translation>登录名</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Can log in</source>
        <translation>可登录</translation>
    </message>
    <message>
        <source>leave empty to keep the password</source>
        <translation>留空则不更改密码</translation>
    </message>
    <message>
        <source>Save user</source>
        <translation>保存用户</translation>
    </message>
    <message>
        <source>New password</source>
        <translation>新密码</translation>
    </message>
    <message>
        <source>Only the director manages users and roles. The first user given a password becomes the director; from then on every change needs a login.</source>
        <translation>只有签发人可以管理用户和角色。第一个设置密码的用户成为签发人；此后任何修改都需要登录。</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
</context>
<context>
    <name>VerifyDialog</name>
    <message>
        <source>Verify package</source>
        <translation>核验变更包</translation>
    </message>
    <message>
        <source>The signature was not checked: the office has no key.</source>
        <translation>未核验签名：县办公室尚无密钥。</translation>
    </message>
    <message>
        <source>The file is not the one exported: its SHA-256 differs from the history&apos;s ({0}…).</source>
        <translation>该文件不是导出时的文件：其 SHA-256 与记录（{0}…）不符。</translation>
    </message>
    <message>
        <source>The package is intact: the signature is the office&apos;s, and every file has its listed size and SHA-256.</source>
        <translation>变更包完好：签名属本县办公室，每个文件的大小和 SHA-256 均与清单相符。</translation>
    </message>
    <message>
        <source>{0} things are wrong with this package:</source>
        <translation>该变更包有 {0} 处问题：</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Package</source>
        <translation>变更包</translation>
    </message>
    <message>
        <source>{0}, no. {1}, {2} changes</source>
        <translation>{0} 第 {1} 号，{2} 条变更</translation>
    </message>
</context>
<context>
    <name>VillageExitDialog</name>
    <message>
        <source>Village</source>
        <translation>行政村</translation>
    </message>
    <message>
        <source>Exit year</source>
        <translation>退出年度</translation>
    </message>
    <message>
        <source>Incidence of poverty</source>
        <translation>贫困发生率</translation>
    </message>
    <message>
        <source>Poor population</source>
        <translation>贫困人口</translation>
    </message>
    <message>
        <source>Population</source>
        <translation>总人口</translation>
    </message>
    <message>
        <source>Incidence</source>
        <translation>贫困发生率</translation>
    </message>
    <message>
        <source>Threshold of the year</source>
        <translation>本年度退出标准</translation>
    </message>
    <message>
        <source>Population: {0}; poor: those of households not exited.</source>
        <translation>总人口：{0}；贫困人口：其中未脱贫户的成员。</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Choose a village.</source>
        <translation>请选择行政村。</translation>
    </message>
    <message>
        <source>{0} persons</source>
        <translation>{0} 人</translation>
    </message>
    <message>
        <source>{0} already exited in {1}.</source>
        <translation>{0}已于 {1} 年退出。</translation>
    </message>
    <message>
        <source>At or below the threshold: {0} may exit in {1}.</source>
        <translation>不高于标准：{0}可以在 {1} 年退出。</translation>
    </message>
    <message>
        <source>Above the threshold: {0} may not exit in {1}.</source>
        <translation>高于标准：{0}在 {1} 年不能退出。</translation>
    </message>
</context>
<context>
    <name>VillageRequest</name>
    <message>
        <source>A request stays with the village it was made for</source>
        <translation>申请不能改到其他村</translation>
    </message>
    <message>
        <source>Save as draft</source>
        <translation>保存草稿</translation>
    </message>
    <message>
        <source>Submit</source>
        <translation>提交</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>WritePage</name>
    <message>
        <source>Sign and write</source>
        <translation>签名并写出</translation>
    </message>
    <message>
        <source>The package is signed with the office key and written as one file into the folder.</source>
        <translation>变更包用县办公室密钥签名，作为一个文件写入所选文件夹。</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>Your password</source>
        <translation>您的密码</translation>
    </message>
    <message>
        <source>The office has no signing key yet: it is made now and sealed with your password. Give the province its public key (Changes &gt; Office signing key…).</source>
        <translation>县办公室尚无签名密钥：现在生成，并用您的密码保护。请将公钥交给省里（变更 &gt; 县办公室签名密钥…）。</translation>
    </message>
    <message>
        <source>Password of {0}</source>
        <translation>{0} 的密码</translation>
    </message>
    <message>
        <source>The office key (fingerprint {0}) is sealed with the password of director {1}.</source>
        <translation>县办公室密钥（指纹 {0}）由签发人 {1} 的密码保护。</translation>
    </message>
    <message>
        <source>Folder for the package</source>
        <translation>变更包的文件夹</translation>
    </message>
    <message>
        <source>Writing the package of {0}…</source>
        <translation>正在写出 {0} 的变更包…</translation>
    </message>
    <message>
        <source>Nothing new to export: another desk may have exported the month meanwhile.</source>
        <translation>没有新的变更可导出：可能其他工作站已导出了该月。</translation>
    </message>
    <message>
        <source>The export was cancelled; nothing was written or marked.</source>
        <translation>导出已取消；未写出文件，也未标记任何申请。</translation>
    </message>
</context>
<context>
    <name>YearSettingsDialog</name>
    <message>
        <source>Year settings</source>
        <extracomment>(record field, kind): float, float? (may be empty), int, date, date? (may be empty), text</extracomment>
        <translation>年度设置</translation>
    </message>
    <message>
        <source>Year</source>
        <translation>年度</translation>
    </message>
    <message>
        <source>Exit income line (yuan)</source>
        <translation>脱贫收入标准线（元）</translation>
    </message>
    <message>
        <source>National line (yuan)</source>
        <translation>国家贫困线（元）</translation>
    </message>
    <message>
        <source>Village exit incidence (%)</source>
        <translation>贫困村退出发生率(%)</translation>
    </message>
    <message>
        <source>School age from</source>
        <translation>义务教育起始年龄</translation>
    </message>
    <message>
        <source>School age to</source>
        <translation>义务教育截止年龄</translation>
    </message>
    <message>
        <source>School ages counted on</source>
        <translation>学龄计算日</translation>
    </message>
    <message>
        <source>Working age from</source>
        <translation>劳动年龄下限</translation>
    </message>
    <message>
        <source>Working age to</source>
        <translation>劳动年龄上限</translation>
    </message>
    <message>
        <source>Monitoring line (yuan)</source>
        <translation>监测收入线(元)</translation>
    </message>
    <message>
        <source>Labour shortage share</source>
        <translation>缺劳力比例</translation>
    </message>
    <message>
        <source>Public post age limit</source>
        <translation>公益岗年龄上限</translation>
    </message>
    <message>
        <source>Reference date</source>
        <translation>基准日期</translation>
    </message>
    <message>
        <source>Source and confidence</source>
        <translation>来源与可信度</translation>
    </message>
    <message>
        <source>Empty: 1 September of the year (the school year&apos;s start)</source>
        <translation>留空：当年 9 月 1 日（学年开始）</translation>
    </message>
    <message>
        <source>Per-capita income above which a household marked 边缘户 needs a recorded risk</source>
        <translation>人均纯收入高于此线的边缘户须登记风险类型</translation>
    </message>
    <message>
        <source>Share of able members above which 缺劳力 as main cause is doubtful</source>
        <translation>有劳动能力成员占比高于此值时，主要致贫原因“缺劳力”存疑</translation>
    </message>
    <message>
        <source>A public-welfare post holder this old or older is doubtful</source>
        <translation>公益性岗位人员达到此年龄即存疑</translation>
    </message>
    <message>
        <source>A poor village may exit at or below this incidence of poverty</source>
        <translation>贫困发生率不高于此值的贫困村方可退出</translation>
    </message>
    <message>
        <source>How sure each source is: [H] high (an official notice, or several sources agree), [M] medium (one good source), [L] low: an estimate, check it against the province&apos;s notice. Run the checks again after a change.</source>
        <translation>来源可信度：[H] 高（官方通知，或多个来源一致）；[M] 中（一个可靠来源）；[L] 低：为估计值，请对照省里的通知核实。修改后请重新运行检查。</translation>
    </message>
</context>
</TS>
