"""Messages of the trainer tools (exports, statistics, regrading, imports, roster)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # -- score sheets, stats, regrade, auth --
    "scores.export_help": ("导出成绩：成绩单等表格。", "Export results: score sheets and other tables."),
    "scores.export_scores_help": (
        "导出一份试卷的成绩单（xlsx：成绩单、答题明细、试题分析、汇总四个工作表；csv：只有成绩单，UTF-8 带 BOM）。"
        "每人取最高分的一次答卷；花名册中未参加的人列为“缺考”。已有文件不会被覆盖，除非加 --force。"
        "例：exam export scores --paper speech -o 成绩单.xlsx",
        "Export the score sheet of a paper (xlsx: sheets Scores, Answers, Item analysis and Summary; csv: the "
        "scores only, UTF-8 with BOM). Each trainee's best attempt is used; roster members who did not sit it "
        "are listed as absent. An existing file is not overwritten without --force. "
        "Example: exam export scores --paper speech -o scores.xlsx",
    ),
    "scores.opt_paper": ("试卷编号（见 exam papers list）。", "Paper id (see exam papers list)."),
    "scores.opt_from": (
        "只含这一天及以后开考的答卷（YYYY-MM-DD）。",
        "Only attempts started on or after this day (YYYY-MM-DD).",
    ),
    "scores.opt_to": (
        "只含这一天及以前开考的答卷（YYYY-MM-DD）。",
        "Only attempts started on or before this day (YYYY-MM-DD).",
    ),
    "scores.opt_unit": (
        "只含这个单位的学员（与名单中的单位完全一致）。",
        "Only trainees of this unit (exactly as written).",
    ),
    "scores.opt_all_attempts": (
        "列出每一次答卷，而不是每人最好的一次。",
        "List every attempt rather than each trainee's best.",
    ),
    "scores.opt_format": (
        "文件格式：xlsx（默认）或 csv；不写时按 -o 的扩展名判断。",
        "File format: xlsx (default) or csv; without it, taken from the -o file's extension.",
    ),
    "scores.opt_output": ("要写入的文件（按原样使用）。", "The file to write (used exactly as given)."),
    "scores.opt_force": ("文件已存在时覆盖它。", "Overwrite the file if it exists."),
    # -- filters checked before a report or a change (exam/trainer/filters.py) --
    "extra.opt_allow_new": (
        "考号既不在名单里、也没有答卷时也登记（学员还没登录过）。",
        "Record it even for a trainee number neither on the roster nor in any attempt (not signed in yet).",
    ),
    "filters.list_sep": ("、", ", "),
    "filters.more": ("等 {count} 个", " and {count} more"),
    "filters.reversed_dates": (
        "日期范围颠倒：开始日期 {date_from} 晚于结束日期 {date_to}。",
        "The date range is reversed: {date_from} is after {date_to}.",
    ),
    "filters.empty_dates": (
        "{date_from} 至 {date_to} 之间没有人参加试卷 {paper}。这份试卷的考试日期：{days}。",
        "Nobody sat paper {paper} between {date_from} and {date_to}. It was sat on: {days}.",
    ),
    "filters.unknown_unit": (
        "没有单位“{unit}”：名单和答卷里都没有。已有的单位：{known}。",
        'No unit "{unit}" on the roster or in the stored attempts. Known units: {known}.',
    ),
    "filters.unknown_trainee": (
        "没有考号为“{trainee}”的学员：名单里没有，也没有考过试。请核对考号（exam results 可以列出答卷）。",
        'No trainee with 考号 "{trainee}": not on the roster and no attempts. Check the number (exam results lists '
        "the attempts).",
    ),
    "scores.bad_date": (
        "日期“{value}”格式不对，应写作 YYYY-MM-DD，如 2026-11-26",
        "“{value}” is not a date; write YYYY-MM-DD, e.g. 2026-11-26",
    ),
    "scores.unknown_paper": (
        "没有试卷“{paper}”，也没有它的答卷（已有试卷：{known}）",
        "No paper “{paper}” and no attempts of it (papers: {known})",
    ),
    "scores.unknown_format": (
        "没有导出格式“{format}”（可用：{known}）",
        "No export format “{format}” (available: {known})",
    ),
    "scores.output_exists": (
        "文件已存在：{path}。换一个文件名，或加 --force 覆盖它。",
        "The file exists: {path}. Choose another name or add --force to overwrite it.",
    ),
    "scores.output_is_dir": (
        "{path} 是一个文件夹，请写出文件名，如 {path}/成绩单.xlsx",
        "{path} is a folder; give a file name, e.g. {path}/scores.xlsx",
    ),
    "scores.output_no_folder": (
        "文件夹不存在：{path}。请先建立它。",
        "The folder does not exist: {path}. Create it first.",
    ),
    "scores.progress_reading": ("读取答卷", "Reading attempts"),
    "scores.written": (
        "已写入 {path}：{count} 份答卷，缺考 {absent} 人。",
        "Written {path}: {count} attempt(s), {absent} absent.",
    ),
    "scores.sheet_scores": ("成绩单", "Scores"),
    "scores.sheet_detail": ("答题明细", "Answers"),
    "scores.sheet_analysis": ("试题分析", "Item analysis"),
    "scores.sheet_summary": ("汇总", "Summary"),
    "scores.col_seq": ("序号", "No."),
    "scores.col_name": ("姓名", "Name"),
    "scores.col_id": ("考号", "ID"),
    "scores.col_unit": ("单位", "Unit"),
    "scores.col_position": ("职务", "Position"),
    "scores.col_score": ("得分", "Score"),
    "scores.col_max_score": ("满分", "Max"),
    "scores.col_passed": ("是否合格", "Passed"),
    "scores.col_duration": ("用时", "Time taken"),
    "scores.col_started": ("开始时间", "Started"),
    "scores.col_submitted": ("交卷时间", "Submitted"),
    "scores.col_how": ("交卷方式", "Submission"),
    "scores.col_rank": ("排名", "Rank"),
    "scores.col_type_score": ("{label}得分", "{label} score"),
    "scores.col_note": ("备注", "Notes"),
    "scores.col_attempt": ("答卷编号", "Attempt"),
    "scores.col_response": ("{question} 作答", "{question} answer"),
    "scores.col_points": ("{question} 得分", "{question} points"),
    "scores.passed": ("合格", "passed"),
    "scores.failed": ("不合格", "failed"),
    "scores.absent": ("缺考", "absent"),
    "scores.how_self": ("自行交卷", "by the trainee"),
    "scores.how_auto": ("超时自动交卷", "automatically at time-out"),
    "scores.true": ("对", "true"),
    "scores.false": ("错", "false"),
    "scores.note_review": ("简答题待评阅 {count} 题", "{count} short answer(s) to mark"),
    "scores.how_paper": ("纸质答卷", "on paper"),
    "scores.note_paper": ("纸质答卷录入（试卷编号 {code}）", "sat on paper, entered (paper code {code})"),
    "scores.note_regraded": ("已重新评分", "regraded"),
    "scores.note_marked": ("有人工评分", "marked by a trainer"),
    "scores.note_sep": ("；", "; "),
    "scores.sum_item": ("项目", "Item"),
    "scores.sum_value": ("数值", "Value"),
    "scores.sum_paper": ("试卷", "Paper"),
    "scores.sum_expected": ("应考人数", "Expected"),
    "scores.sum_sat": ("参考人数", "Sat"),
    "scores.sum_absent": ("缺考人数", "Absent"),
    "scores.sum_attempts": ("答卷份数", "Attempts"),
    "scores.sum_max_score": ("满分", "Full marks"),
    "scores.sum_mean": ("平均分", "Average"),
    "scores.sum_highest": ("最高分", "Highest"),
    "scores.sum_lowest": ("最低分", "Lowest"),
    "scores.sum_median": ("中位数", "Median"),
    "scores.sum_sd": ("标准差", "Standard deviation"),
    "scores.sum_passed": ("合格人数", "Passed"),
    "scores.sum_pass_rate": ("及格率（%）", "Pass rate (%)"),
    # -- the printable layout, 在考, 单位统计, 知识点掌握 and 明细数据 (issue 15) --
    "scores.heading": ("{paper} · {sheet}", "{paper} · {sheet}"),
    "scores.facts": (
        "考试日期：{period}；单位：{unit}；{counts}；制表时间：{made}",
        "Dates: {period}; unit: {unit}; {counts}; made {made}",
    ),
    "scores.period": ("{start} 至 {end}", "{start} to {end}"),
    "scores.all_units": ("全部", "all"),
    "scores.counts": (
        "应考 {expected} 人，参考 {sat} 人，在考 {sitting} 人，缺考 {absent} 人，答卷 {attempts} 份",
        "{expected} expected, {sat} sat, {sitting} sitting now, {absent} absent, {attempts} attempts",
    ),
    "scores.sitting": ("在考", "sitting now"),
    "scores.sum_sitting": ("在考人数", "Sitting now"),
    "scores.col_drawn": ("第{number}题", "Q{number}"),
    "scores.detail_note": (
        "每人一行，每题一列（各人抽到的题不同，题号见“明细数据”）：{right} 得满分，{partial} 得部分分，{wrong} 不得分，"
        "{blank} 未答。",
        "One row per trainee, one column per position on the drawn paper (question ids are in the data sheet): "
        "{right} full marks, {partial} some marks, {wrong} none, {blank} unanswered.",
    ),
    "scores.sheet_long": ("明细数据", "Data"),
    "scores.long_note": (
        "每人每题一行，供筛选和数据透视表使用（不必打印）。",
        "One row per trainee and question, for filters and pivot tables (not meant for printing).",
    ),
    "scores.col_number": ("题序", "Position"),
    "scores.col_question": ("题号", "Question"),
    "scores.col_type": ("题型", "Type"),
    "scores.col_tags": ("知识点", "Tags"),
    "scores.col_chapter": ("出处（章）", "Source (chapter)"),
    "scores.col_answer": ("作答", "Answer"),
    "scores.col_earned": ("得分", "Points"),
    "scores.col_possible": ("满分", "Max"),
    "scores.col_right": ("是否全对（1/0）", "Full marks (1/0)"),
    "scores.unsourced": ("未注明出处", "no source given"),
    "scores.preamble": ("序言", "Preamble"),
    "scores.chapter": ("{doc} · {chapter}", "{doc} · {chapter}"),
    "scores.analysis_note": (
        "试卷随机抽题，共抽到 {total} 道题；这里列出作答 {least} 人次以上的 {listed} 道（作答太少的题，统计数字说明不了问题）。"
        "每道题的数字见 exam stats，每人每题的作答见“明细数据”。",
        "The papers drew {total} questions at random; listed here are the {listed} answered {least} times or more "
        "(with fewer responses the figures say little). exam stats shows every question; the data sheet has every "
        "response.",
    ),
    "scores.knowledge_note": (
        "共 {total} 个知识点；这里列出作答 {least} 次以上的 {listed} 个，其余见“明细数据”。",
        "{total} tags; listed are the {listed} answered {least} times or more, the rest are in the data sheet.",
    ),
    "scores.sheet_units": ("单位统计", "By unit"),
    "scores.unit_unit": ("单位", "Unit"),
    "scores.unit_expected": ("应考", "Expected"),
    "scores.unit_sat": ("参考", "Sat"),
    "scores.unit_sitting": ("在考", "Sitting"),
    "scores.unit_absent": ("缺考", "Absent"),
    "scores.unit_mean": ("平均分", "Average"),
    "scores.unit_highest": ("最高分", "Highest"),
    "scores.unit_lowest": ("最低分", "Lowest"),
    "scores.unit_passed": ("合格人数", "Passed"),
    "scores.unit_pass_rate": ("合格率（%）", "Pass rate (%)"),
    "scores.unit_chart": ("各单位平均分", "Average by unit"),
    "scores.no_unit": ("（未填单位）", "(no unit)"),
    "scores.total": ("合计", "Total"),
    "scores.sheet_knowledge": ("知识点掌握", "By topic"),
    "scores.know_kind": ("类别", "Kind"),
    "scores.know_name": ("出处或知识点", "Source or tag"),
    "scores.know_questions": ("题数", "Questions"),
    "scores.know_responses": ("作答次数", "Responses"),
    "scores.know_rate": ("得分率（%）", "Score rate (%)"),
    "scores.know_chapter": ("出处（章）", "Chapter"),
    "scores.know_tag": ("知识点", "Tag"),
    "scores.know_chart": ("各章得分率", "Score rate by chapter"),
    "scores.opt_sort": (
        "成绩单的排列：rank 按名次（默认），unit 按单位（单位内按名次）。",
        "Order of the score list: rank (default), or unit (by rank within each unit).",
    ),
    "scores.band": ("分数段（得分率）", "Band (percent of full marks)"),
    "scores.band_count": ("人数", "Count"),
    "scores.band_label": ("{low}–{high}%", "{low}–{high}%"),
    "scores.chart_title": ("成绩分布", "Score distribution"),
    "stats.help": (
        "试题分析（按 Moodle 的算法）：每题的难度系数、标准差、区分度、区分效率和选项分布，"
        "以及整卷的平均分、标准差、中位数、内部一致性系数（α）、误差比和标准误。"
        "区分度为负或错误选项选的人比正确答案多的题目会标出“请核对答案”。例：exam stats --paper speech",
        "Item analysis (Moodle's formulas): facility, SD, discrimination index, discriminative efficiency and option "
        "spread per question; mean, SD, median, internal consistency (alpha), error ratio and standard error of the "
        "paper. Questions with negative discrimination or a distractor chosen more than the key are flagged "
        "“check the key”. Example: exam stats --paper speech",
    ),
    "stats.col_seq": ("序号", "No."),
    "stats.col_question": ("题目编号", "Question"),
    "stats.col_type": ("题型", "Type"),
    "stats.col_stem": ("题干", "Question text"),
    "stats.col_key": ("标准答案", "Key"),
    "stats.col_attempts": ("作答人数", "Attempts"),
    "stats.col_facility": ("难度系数（%）", "Facility (%)"),
    "stats.col_sd": ("标准差（%）", "SD (%)"),
    "stats.col_discrimination": ("区分度（%）", "Discrimination (%)"),
    "stats.col_efficiency": ("区分效率（%）", "Discriminative efficiency (%)"),
    "stats.col_options": ("选项分布（✓为答案）", "Option spread (✓ = key)"),
    "stats.col_unanswered": ("未作答", "Unanswered"),
    "stats.col_flag": ("提示", "Flag"),
    "stats.check_key": ("请核对答案：{reasons}", "check the key: {reasons}"),
    "stats.reason_sep": ("；", "; "),
    "stats.option_sep": ("、", ", "),
    "stats.reason_negative": (
        "区分度为负（D＝{discrimination}，{responses} 人作答，p＝{p}）",
        "negative discrimination (D = {discrimination}, {responses} responses, p = {p})",
    ),
    "stats.reason_distractor": (
        "错误选项 {options} 选的人明显比正确答案多（{responses} 人作答，p＝{p}）",
        "distractor {options} chosen clearly more than the key ({responses} responses, p = {p})",
    ),
    "stats.paper_heading": ("整卷统计", "Paper statistics"),
    "stats.paper_heading_titled": ("整卷统计（{title}）", "Paper statistics ({title})"),
    "stats.attempts": ("答卷份数", "Attempts"),
    "stats.mean": ("平均分", "Mean"),
    "stats.median": ("中位数", "Median"),
    "stats.sd": ("标准差", "Standard deviation"),
    "stats.cic": ("内部一致性系数 α（%）", "Coefficient of internal consistency (%)"),
    "stats.error_ratio": ("误差比（%）", "Error ratio (%)"),
    "stats.standard_error": ("标准误", "Standard error"),
    "stats.no_attempts": ("试卷“{paper}”还没有已交的答卷。", "Paper “{paper}” has no submitted attempts yet."),
    "stats.flagged": ("{count} 道题请核对答案：", "{count} question(s) to check:"),
    "stats.none_flagged": ("没有需要核对答案的题目。", "No question needs its key checked."),
    "regrade.help": (
        "题库改正答案后重新评分：按当前题库中的答案为已交答卷重新计分（答卷中保存的试题不变）。"
        "先列出每份答卷的原分 → 新分，确认后才修改，并记入答卷的修改记录。"
        "例：exam regrade --paper speech --dry-run",
        "Regrade after a key was corrected in a bank: score the submitted attempts again against the current bank "
        "(the paper stored with each attempt is kept). Shows old → new per attempt and asks before changing "
        "anything; every change is recorded in the attempt's history. Example: exam regrade --paper speech --dry-run",
    ),
    "regrade.opt_dry_run": ("只显示会怎样变化，不作修改。", "Only show what would change; change nothing."),
    "regrade.opt_yes": ("不再询问，直接修改。", "Apply without asking."),
    "regrade.opt_reason": ("修改原因（记入答卷的修改记录）。", "Why (kept in each attempt's history)."),
    "regrade.progress": ("重新评分", "Regrading"),
    "regrade.col_attempt": ("答卷", "Attempt"),
    "regrade.col_old": ("原得分", "Old score"),
    "regrade.col_new": ("新得分", "New score"),
    "regrade.col_passed": ("是否合格", "Passed"),
    "regrade.col_questions": ("变动的题目", "Questions changed"),
    "regrade.summary": (
        "{changed} 份答卷分数有变化，{unchanged} 份不变。",
        "{changed} attempt(s) change, {unchanged} unchanged.",
    ),
    "regrade.dry_run": ("试运行：没有作任何修改。", "Dry run: nothing was changed."),
    "regrade.confirm": ("修改这 {count} 份答卷的分数吗？", "Change the scores of these {count} attempt(s)?"),
    "regrade.not_applied": ("没有修改。", "Nothing changed."),
    "regrade.applied": (
        "已重新评分 {count} 份答卷，并记入修改记录。",
        "Regraded {count} attempt(s); recorded in their history.",
    ),
    "regrade.note_missing": (
        "题目 {question} 已不在题库中，保留原分。",
        "Question {question} is no longer in any bank; its points are kept.",
    ),
    "regrade.note_type": (
        "题目 {question} 的题型已改变，保留原分。",
        "Question {question} changed type; its points are kept.",
    ),
    "regrade.note_options": (
        "注意：题目 {question} 的选项已改动，学员所选字母按当前选项评分。",
        "Note: the options of question {question} changed; the letters chosen are scored against the current options.",
    ),
    "mark.help": (
        "人工评分（阅卷）：给一份答卷的一道题打分，如简答题。ATTEMPT 是答卷编号（可只写前几位），"
        "QUESTION 是题目编号或题号（1 为第一题），POINTS 是得分。例：exam mark 3f2a9c1d 41 8 --note 要点齐全",
        "Mark one answer of an attempt by hand, e.g. a short answer. ATTEMPT is the attempt id (a unique prefix "
        "will do), QUESTION the question id or its number on the paper (1 = first), POINTS the points. "
        "Example: exam mark 3f2a9c1d 41 8 --note complete",
    ),
    "mark.opt_note": ("评语或理由（记入修改记录）。", "Comment or reason (kept in the history)."),
    "mark.no_attempt": (
        "没有编号为“{attempt}”的答卷（exam results 可查看编号）",
        "No attempt “{attempt}” (exam results lists them)",
    ),
    "mark.ambiguous": (
        "“{attempt}”对应 {count} 份答卷，请多写几位编号",
        "“{attempt}” matches {count} attempts; give more of the id",
    ),
    "mark.open_attempt": (
        "这份答卷还在作答中，交卷后才能评分",
        "This attempt is still in progress; mark it after it is submitted",
    ),
    "mark.no_question": (
        "答卷中没有题目“{question}”（题号为 1 到 {count}，或写题目编号）",
        "No question “{question}” in the attempt (numbers 1 to {count}, or the question id)",
    ),
    "mark.out_of_range": ("得分 {points} 超出范围：应在 0 到 {max} 之间", "{points} is out of range: give 0 to {max}"),
    "mark.done": (
        "{name}：{question} 由 {old} 分改为 {new} 分，总分 {old_score} → {new_score}。",
        "{name}: {question} changed from {old} to {new}; total {old_score} → {new_score}.",
    ),
    "mark.pending_help": (
        "列出等待人工评分的答案（简答题），评分用 exam mark。",
        "List the answers waiting for a trainer's mark (short answers); mark them with exam mark.",
    ),
    "mark.none_pending": ("没有待评分的答案。", "No answers waiting for marking."),
    "mark.pending_hint": (
        "评分：exam mark 答卷 题号 得分 [--note 评语]",
        "To mark: exam mark ATTEMPT NUMBER POINTS [--note TEXT]",
    ),
    "mark.col_number": ("题号", "No."),
    "mark.col_response": ("作答", "Answer"),
    "mark.col_points": ("暂评分", "Provisional"),
    "mark.col_max": ("满分", "Max"),
    "extra.help": (
        "给某位学员某份试卷延长考试时间（如身体原因或设备故障）。正在作答的也立即生效。"
        "例：exam extra-time --paper speech --trainee 320101 --minutes 10",
        "Give one trainee extra minutes on a paper (health, a broken computer). Applies at once to an attempt under "
        "way. Example: exam extra-time --paper speech --trainee 320101 --minutes 10",
    ),
    "extra.opt_trainee": ("学员考号。", "The trainee's ID."),
    "extra.opt_minutes": ("延长的分钟数（0 表示取消延时）。", "Extra minutes (0 removes the extra time)."),
    "extra.blank_trainee": ("请写出学员的考号", "Give the trainee's ID"),
    "extra.out_of_range": ("延长时间应在 0 到 600 分钟之间", "Extra time must be 0 to 600 minutes"),
    "extra.done": (
        "考号 {trainee} 在试卷 {paper} 上的延时已设为 {minutes} 分钟。",
        "Extra time for {trainee} on {paper} set to {minutes} minute(s).",
    ),
    "extra.extended_open": ("正在作答的 {count} 份答卷已同时延长。", "{count} attempt(s) under way were extended too."),
    "extra.history_reason": ("延时 {old} → {new} 分钟", "extra time {old} → {new} minutes"),
    "auth.group_help": ("培训管理员设置。", "Trainer settings."),
    "auth.set_help": (
        "设置或修改培训管理口令。设置后，考试程序中的管理功能和所有培训管理命令（导出成绩、阅卷、延时、导入、花名册等）"
        "都要先输入口令；脚本中可用环境变量 EXAM_TRAINER_PASSPHRASE 提供（同一账户下的其他程序能读到它）。"
        "口令只以加盐散列保存。详见 docs/security.md。",
        "Set or change the trainer passphrase. Once set, the trainer functions of the exam app and every trainer "
        "command (exports, marking, extra time, imports, roster, ...) ask for it; scripts may give it in the "
        "environment variable EXAM_TRAINER_PASSPHRASE (readable by other programs of the same OS user). Only a "
        "salted hash is stored. See docs/security.md.",
    ),
    "auth.prompt_current": ("当前口令", "Current passphrase"),
    "auth.prompt_new": ("新口令", "New passphrase"),
    "auth.prompt_repeat": ("再输入一次新口令", "Repeat the new passphrase"),
    "auth.wrong_current": ("当前口令不对，口令没有修改。", "The current passphrase is wrong; nothing was changed."),
    "auth.mismatch": ("两次输入的口令不一致，口令没有修改。", "The two entries differ; nothing was changed."),
    "auth.blank": ("口令不能为空", "The passphrase cannot be blank"),
    "auth.too_short": ("口令至少要 {count} 个字符", "The passphrase needs at least {count} characters"),
    "auth.set_done": ("培训管理口令已设置。", "Trainer passphrase set."),
    # -- trainer commands behind the passphrase (issue 11: exam/cli/base.py require_trainer) --
    "auth.cli_no_passphrase": (
        "提醒：尚未设置培训管理口令，任何能运行 exam 的人都能执行这条命令。请用 exam trainer set-passphrase 设置。",
        "Note: no trainer passphrase is set, so anyone who can run exam can run this command. Set one with "
        "exam trainer set-passphrase.",
    ),
    "auth.cli_prompt": ("培训管理口令", "Trainer passphrase"),
    "auth.cli_try_again": ("口令不对，请再试一次。", "Wrong passphrase; try again."),
    "auth.cli_wrong": (
        "培训管理口令连续 {count} 次不对，命令没有执行。",
        "Wrong trainer passphrase {count} times; the command was not run.",
    ),
    "auth.cli_wrong_variable": (
        "环境变量 {variable} 中的培训管理口令不对，命令没有执行。",
        "The trainer passphrase in {variable} is wrong; the command was not run.",
    ),
    "auth.cli_needed": (
        "这是培训管理命令，需要培训管理口令：请在终端中运行以便输入口令，或（脚本中）设置环境变量 {variable}。",
        "This is a trainer command and needs the trainer passphrase: run it in a terminal to type it, or (in a "
        "script) set the environment variable {variable}.",
    ),
    "results.export_help": (
        "把已交的答卷导出为一个文件（JSON Lines），带到汇总的电脑上用 exam results import 导入。"
        "例：exam results export -o 第一考场.jsonl",
        "Write the submitted attempts to one file (JSON Lines) to be merged on another computer with exam results "
        "import. Example: exam results export -o room1.jsonl",
    ),
    "results.import_help": (
        "导入其他电脑导出的答卷文件（可一次多个）。已有的答卷自动跳过，不会重复；"
        "文件有错时报告行号，这个文件一份也不导入。例：exam results import 第一考场.jsonl 第二考场.jsonl",
        "Import attempt files exported on other computers (several at once). Attempts already here are skipped, "
        "never duplicated; a file with an error is reported with the line number and nothing of it is imported. "
        "Example: exam results import room1.jsonl room2.jsonl",
    ),
    "results.opt_output": ("要写入的文件。", "The file to write."),
    "results.progress_export": ("导出答卷", "Exporting attempts"),
    "results.exported": ("已导出 {count} 份答卷到 {path}。", "Exported {count} attempt(s) to {path}."),
    "results.imported_file": (
        "{path}：新增 {added} 份，已有 {skipped} 份（跳过）。",
        "{path}: {added} added, {skipped} already present (skipped).",
    ),
    "results.imported_total": (
        "共导入 {files} 个文件：新增 {added} 份答卷，跳过 {skipped} 份。",
        "{files} file(s) imported: {added} attempt(s) added, {skipped} skipped.",
    ),
    "results.refused_file": ("未导入：{error}", "Not imported: {error}"),
    "results.where_line": ("{path} 第 {line} 行", "{path} line {line}"),
    "results.missing_file": ("文件不存在", "no such file"),
    "results.not_utf8": ("不是 UTF-8 文本", "not UTF-8 text"),
    "results.line_too_long": ("这一行太长，不像答卷", "the line is too long to be an attempt"),
    "results.bad_json": ("不是有效的 JSON（{error}）", "not valid JSON ({error})"),
    "results.not_export": (
        "不是 exam results export 导出的文件（第一行应是文件头）",
        "not a file written by exam results export (the first line should be its header)",
    ),
    "results.bad_version": ("文件头中的版本号 {version} 无效", "invalid version {version} in the header"),
    "results.newer_version": (
        "文件格式版本 {version} 比本程序支持的 {supported} 新，请先升级本程序",
        "format version {version} is newer than this program supports ({supported}); update the program first",
    ),
    "results.not_object": ("每行应是一份答卷（JSON 对象）", "each line should be one attempt (a JSON object)"),
    "results.not_closed": (
        "答卷状态“{status}”不是已交卷，只能导入已交的答卷",
        "status “{status}” is not submitted; only submitted attempts can be imported",
    ),
    "results.bad_field": ("字段 {field} 缺失或格式不对", "field {field} is missing or malformed"),
    "scores.export_scores_short": ("导出成绩单（xlsx 或 csv）。", "Export the score sheet (xlsx or csv)."),
    "stats.short": ("试题分析：难度、区分度、选项分布，标出需核对答案的题。", "Item analysis; flags keys to check."),
    "regrade.short": ("题库改正答案后重新评分（可先试运行）。", "Regrade after a key correction (dry run first)."),
    "mark.short": ("人工评分（阅卷），如简答题。", "Mark an answer by hand, e.g. a short answer."),
    "extra.short": ("给某位学员延长考试时间。", "Give one trainee extra time on a paper."),
    "results.export_short": ("导出已交答卷，带到其他电脑汇总。", "Export submitted attempts to merge elsewhere."),
    "results.import_short": (
        "导入其他电脑导出的答卷（不会重复）。",
        "Import attempts exported elsewhere (no duplicates).",
    ),
    "auth.set_short": ("设置或修改培训管理口令。", "Set or change the trainer passphrase."),
    # -- seals: tamper-evident results (issue 11, exam/seals.py, exam results verify/seal, import checks) --
    "results.verify_help": (
        "检查每份已交答卷是否与封存记录（防篡改签名链）一致：逐份列出被改动、被删除、顺序被打乱、被旧记录替换"
        "或没有封存的答卷；有问题时退出码为 1。例：exam results verify",
        "Check every submitted attempt against its seals (the tamper-evident chain): name each attempt that was "
        "edited, deleted, reordered, replaced by an old record or left unsealed; the exit status is 1 when anything "
        "is wrong. Example: exam results verify",
    ),
    "results.verify_short": ("检查成绩是否被改动（防篡改校验）。", "Check that no result was tampered with."),
    "results.seal_help": (
        "给还没有封存的已交答卷补上封存（旧版本留下的成绩库升级时用）。每封存一份都列出来，请先用 "
        "exam results verify 确认这些答卷没有问题。例：exam results seal --existing",
        "Seal the submitted attempts that have no seal yet (a store from an older release). Each attempt sealed is "
        "listed; check them with exam results verify first. Example: exam results seal --existing",
    ),
    "results.seal_short": ("给旧成绩补上防篡改封存。", "Seal attempts stored before seals existed."),
    "results.opt_existing": ("封存所有还没有封存的已交答卷。", "Seal every submitted attempt that has no seal yet."),
    "results.opt_key_file": (
        "导出方成绩库的密钥文件 seal.key（或导出方成绩库文件夹），用来验证文件；请与成绩文件分开携带。",
        "The sender's seal.key (or the sender's store folder) to verify the files with; carry it apart from them.",
    ),
    "results.opt_allow_unverified": (
        "文件无法验证时仍然导入，导入的答卷标记为“未验证”。",
        "Import files that do not verify; their attempts are marked unverified.",
    ),
    "results.imported_unverified": (
        "其中 {count} 份答卷未经验证，已标记为“未验证”。",
        "{count} of them are not verified and are marked unverified.",
    ),
    "results.after_trailer": (
        "文件末尾的校验行之后不应再有内容",
        "nothing may follow the file's closing check line",
    ),
    "seal.key_unreadable": ("无法读取封存密钥 {path}：{error}", "Cannot read the seal key {path}: {error}"),
    "seal.key_damaged": (
        "封存密钥 {path} 已损坏（{size} 字节，应为 {expected} 字节）；请从备份恢复这个文件",
        "The seal key {path} is damaged ({size} bytes, {expected} expected); restore it from a backup",
    ),
    "seal.key_missing": (
        "封存密钥 {path} 不见了，而成绩库已有封存记录：无法校验，也不会新建密钥；请从备份恢复这个文件",
        "The seal key {path} is missing while the store has seals: nothing can be checked, and no new key is made; "
        "restore the file from a backup",
    ),
    "seal.key_unwritable": ("无法创建封存密钥 {path}：{error}", "Cannot create the seal key {path}: {error}"),
    "seal.key_file_missing": ("{path} 处没有密钥文件 seal.key", "There is no seal.key at {path}"),
    "seal.status_ok": (
        "防篡改校验：通过（{count} 份已交答卷与封存一致）。",
        "Tamper check: passed ({count} submitted attempt(s) match their seals).",
    ),
    "seal.status_unverified": (
        "其中 {count} 份是未经验证导入的。",
        " {count} of them were imported unverified.",
    ),
    # issue 17: a report checks the content of the attempts it reads or shows; the chain covers the rest
    "seal.status_not_read": (
        "另有 {count} 份不在本页或本表，未逐份比对内容；全部核对请运行 exam results verify。",
        " {count} other attempt(s), not on this page or sheet, were not compared one by one; run exam results "
        "verify to check them all.",
    ),
    "seal.status_legacy": (
        "防篡改校验：本成绩库还没有封存（{count} 份答卷来自旧版本），运行 exam results seal --existing 补上。",
        "Tamper check: this store has no seals yet ({count} attempt(s) from an older release); run exam results "
        "seal --existing.",
    ),
    "seal.status_bad": (
        "防篡改校验：未通过！{problems} 处问题，涉及 {attempts} 份答卷，运行 exam results verify 查看。",
        "Tamper check: FAILED! {problems} problem(s) in {attempts} attempt(s); run exam results verify.",
    ),
    "seal.row_mark": ("（{kind}）", " ({kind})"),
    "seal.unverified_mark": ("（未验证）", " (unverified)"),
    "seal.kind_edited": ("被改动", "edited"),
    "seal.kind_deleted": ("被删除", "deleted"),
    "seal.kind_reordered": ("顺序被打乱", "reordered"),
    "seal.kind_replayed": ("被旧记录替换", "replayed"),
    "seal.kind_unsealed": ("没有封存", "unsealed"),
    "seal.kind_damaged": ("封存记录损坏", "damaged"),
    "seal.kind_key_missing": ("密钥问题", "key problem"),
    "seal.finding": ("[{kind}] 答卷 {attempt}{who}：{detail}", "[{kind}] attempt {attempt}{who}: {detail}"),
    "seal.finding_store": ("[{kind}] {detail}", "[{kind}] {detail}"),
    "seal.part_identity": ("考生或试卷信息", "trainee or paper"),
    "seal.part_paper": ("所抽试题或答案", "drawn questions or keys"),
    "seal.part_responses": ("作答内容", "answers given"),
    "seal.part_answers": ("各题得分", "points per question"),
    "seal.part_score": ("总分或是否合格", "total or pass"),
    "seal.part_status": ("交卷状态", "status"),
    "seal.part_times": ("开始、交卷或截止时间", "start, submit or deadline time"),
    "seal.part_index": ("索引中的成绩与答卷文件不一致", "the index row differs from the attempt file"),
    "seal.part_sep": ("、", ", "),
    "seal.log_missing": (
        "封存记录 seals.jsonl 不见了或被清空，而密钥 {key} 说明这个成绩库已经封存过",
        "the seal log seals.jsonl is missing or empty although the key {key} shows this store has been sealed",
    ),
    "seal.finding_who": ("（{who}）", " ({who})"),
    "seal.refuse_change": (
        "答卷 {attempt} 未通过防篡改校验（{kind}），不能修改或重新评分；请先运行 exam results verify 查看",
        "Attempt {attempt} fails the tamper check ({kind}); it cannot be changed or regraded. Run exam results "
        "verify first",
    ),
    "seal.bad_record": ("封存记录第 {line} 行无法读取", "seal record line {line} cannot be read"),
    "seal.forged_record": (
        "封存记录第 {line} 行签名不对（被改动或伪造）",
        "seal record line {line} does not verify (edited or forged)",
    ),
    "seal.out_of_place": (
        "封存记录第 {line} 行不在原来的位置（记录被删除、插入或调换）",
        "seal record line {line} is out of place (records removed, inserted or swapped)",
    ),
    "seal.deleted_detail": (
        "封存记录中有这份答卷（第 {seq} 条，{at}），成绩库中没有了",
        "the seals hold this attempt (record {seq}, {at}) but the store does not",
    ),
    "seal.unsealed_detail": (
        "成绩库启用封存之后出现的、没有封存的答卷",
        "an attempt without a seal in a store that has been sealed",
    ),
    "seal.replayed_detail": (
        "内容与较早的封存一致，但不是最新的封存（{at}）",
        "it matches an earlier seal, not the latest one ({at})",
    ),
    "seal.verify_summary": (
        "共检查 {checked} 份已交答卷，{sealed} 份与封存一致；封存记录 {chain} 条。",
        "{checked} submitted attempt(s) checked, {sealed} match their seals; {chain} seal record(s).",
    ),
    "seal.verify_ok": ("校验通过：没有发现改动。", "Verified: nothing was tampered with."),
    "seal.verify_failed": (
        "校验未通过：发现 {count} 处问题（见上）。",
        "Verification failed: {count} problem(s) (see above).",
    ),
    "seal.verify_legacy": (
        "{count} 份答卷来自还没有封存的旧成绩库（不算篡改）；运行 exam results seal --existing 补上封存。",
        "{count} attempt(s) are from before seals (not tampering); run exam results seal --existing to seal them.",
    ),
    "seal.verify_pending": (
        "{count} 份答卷的封存还没完成（交卷时程序中断），下次有人开始考试时自动补上。",
        "{count} attempt(s) still wait for their seal (a close was interrupted); the next start completes it.",
    ),
    "seal.verify_unverified": (
        "{count} 份答卷是用 --allow-unverified 导入的，来源未经验证：",
        "{count} attempt(s) were imported with --allow-unverified; their source is not verified:",
    ),
    "seal.needs_existing": (
        "请加 --existing：exam results seal --existing",
        "Add --existing: exam results seal --existing",
    ),
    "seal.sealed_one": (
        "已封存 {attempt}：{name} {id}，{score} 分",
        "Sealed {attempt}: {name} {id}, {score} points",
    ),
    "seal.sealed_existing": ("共封存 {count} 份答卷。", "{count} attempt(s) sealed."),
    "seal.import_problem": (
        "第 {line} 行 答卷 {attempt}（{who}）：{what}",
        "line {line} attempt {attempt} ({who}): {what}",
    ),
    "seal.import_hint": (
        "确认来源可信时，可加 --allow-unverified 导入（答卷会标记为“未验证”）；"
        "跨电脑导入请用 --key-file 指定导出方成绩库中的 seal.key。",
        "If you trust the source, add --allow-unverified (the attempts are marked unverified); between computers "
        "pass the sender's seal.key with --key-file.",
    ),
    "seal.import_unsealed": ("没有封存", "no seal"),
    "seal.import_forged": ("封存签名不对（被改动或伪造）", "the seal does not verify (edited or forged)"),
    "seal.import_edited": ("内容被改动：{parts}", "edited: {parts}"),
    "seal.import_no_seals": (
        "文件没有封存（旧版本导出的文件），无法验证",
        "the file has no seals (written by an older release) and cannot be verified",
    ),
    "seal.import_wrong_key": (
        "--key-file 给出的密钥（{key}）不是封存这个文件的密钥（{file}）",
        "the key given with --key-file ({key}) is not the one that sealed this file ({file})",
    ),
    "seal.import_no_key": (
        "文件由另一台电脑的密钥 {key} 封存，缺少这个密钥无法验证",
        "the file was sealed on another computer with key {key}; without that key it cannot be verified",
    ),
    "seal.import_no_trailer": (
        "文件末尾的校验行不见了（文件被截断或改动）",
        "the file's closing check line is missing (the file was cut short or changed)",
    ),
    "seal.import_file_changed": (
        "文件被改动：有行被增加、删除、调换或修改",
        "the file was changed: lines added, removed, swapped or edited",
    ),
    "seal.import_edited_attempts": (
        "{count} 份答卷与其封存不一致",
        "{count} attempt(s) do not match their seals",
    ),
    "scores.sum_verified": ("防篡改校验", "Tamper check"),
    "scores.note_unverified": ("导入未验证", "imported unverified"),
    "scores.note_tampered": ("未通过防篡改校验：{kind}", "fails the tamper check: {kind}"),
    # -- formats and roster --
    "formats.list_sep": ("，", ", "),
    "formats.import_help": (
        "把 Excel 模板（题库模板.xlsx）、Moodle GIFT、Aiken、Moodle XML、带题号的文本（.txt，考试平台批量导入格式）或 "
        "Word 文件（.docx）转换为题库文件 NAME.bank.yaml，并用题库校验规则检查。文件中每道题要么导入，要么按行号列出，"
        "最后显示两者的数目；无法对应的题型（如 Moodle 的数值题、匹配题）跳过，加 --strict 则拒绝整个文件。"
        "Moodle 格式没有出处和原文，转换结果会写出，补全后即可使用。已有文件不会被覆盖，除非加 --force。"
        "例：exam banks import 题库.docx -o my-town.bank.yaml",
        "Convert an Excel template (题库模板.xlsx), Moodle GIFT, Aiken, Moodle XML, numbered text (.txt, the batch "
        "format of Chinese exam platforms) or Word (.docx) file into a bank file NAME.bank.yaml and check it with the "
        "bank rules. Every question of the file is either imported or listed with its line, and both counts are "
        "printed; kinds without a counterpart (Moodle numerical, matching …) are skipped, or refused with --strict. "
        "Moodle formats carry no source or quote, so the converted bank is written for you to complete. An existing "
        "file is not overwritten without --force. Example: exam banks import bank.docx -o my-town.bank.yaml",
    ),
    "formats.export_help": (
        "把已加载的题库导出为 Excel 模板、GIFT、Aiken、Moodle XML、带题号的文本或 Word 文件（无法表示的题目会列出并"
        "跳过，如 Aiken 只能保存单选题）。Word 文件可以编辑后再导入。例：exam banks export --bank speech -o 讲话题库.docx",
        "Write a loaded bank as an Excel template, GIFT, Aiken, Moodle XML, numbered text or Word file (questions "
        "the format cannot hold are listed and skipped; Aiken holds single-choice questions only). A Word file can be "
        "edited and imported again. Example: exam banks export --bank speech -o speech.docx",
    ),
    "formats.template_help": (
        "写出空白的 Excel 题库模板（列名、填写说明、题型下拉框）。",
        "Write the empty Excel bank template (headers, instructions, a drop-down for 题型).",
    ),
    "formats.new_help": (
        "新建题库插件项目 exam-bank-NAME：pyproject.toml、题库文件（含两道示例题）、插件代码、说明和测试。"
        "在项目目录中 pip install -e . 安装后，exam banks list 中即可看到。NAME 用小写字母、数字和 -。"
        "例：exam banks new my-town --title 本镇人大工作制度",
        "Create a bank plugin project exam-bank-NAME: pyproject.toml, a bank file with two sample questions, the "
        "plugin module, a README and a test. After pip install -e . in it, the bank shows in exam banks list. "
        'NAME uses lower-case letters, digits and -. Example: exam banks new my-town --title "Town rules"',
    ),
    "formats.opt_format_in": (
        "源文件格式；不写时按扩展名（.xlsx、.gift、.aiken、.xml、.docx）判断，.txt 按内容判断。",
        "Format of FILE; without it, taken from the extension (.xlsx, .gift, .aiken, .xml, .docx), for .txt from "
        "the content.",
    ),
    "formats.opt_format_out": (
        "导出格式；不写时按 -o 的扩展名判断（.xlsx、.gift、.aiken、.xml、.docx；带题号的文本写 --format numbered）。",
        "Format to write; without it, taken from the -o extension (.xlsx, .gift, .aiken, .xml, .docx; numbered "
        "text needs --format numbered).",
    ),
    "formats.opt_output_bank": (
        "要写出的题库文件，文件名须以 .bank.yaml 结尾。",
        "Bank file to write; its name must end in .bank.yaml.",
    ),
    "formats.opt_output_file": ("要写出的文件。", "The file to write."),
    "formats.opt_bank_id": (
        "题库编号（小写字母、数字和 -）；默认取文件中的编号或输出文件名。",
        "Bank id (lower-case letters, digits, -); default: the id in the file, or the output file name.",
    ),
    "formats.opt_title": (
        "题库名称；默认取文件中的名称或源文件名。",
        "Bank title; default: the title in the file, or the file name.",
    ),
    "formats.opt_force": ("文件已存在时覆盖它。", "Overwrite the file if it exists."),
    "formats.opt_bank_export": (
        "要导出的题库编号（见 exam banks list）。",
        "Id of the bank to export (see exam banks list).",
    ),
    "formats.opt_new_dir": (
        "在这个文件夹中建立项目（默认当前文件夹）。",
        "Create the project in this folder (default: here).",
    ),
    "formats.opt_new_title": ("题库名称，如 本镇人大工作制度。", "Bank title."),
    "formats.opt_new_doc": (
        "示例题引用的出处文件编号（默认与 NAME 相同），如 town-rules。",
        "Doc id the sample questions cite (default: NAME), e.g. town-rules.",
    ),
    "formats.cannot_guess": (
        "无法从文件名 {path} 判断格式，请加 --format xlsx、gift、aiken、moodle-xml、numbered 或 docx",
        "Cannot tell the format from {path}; add --format xlsx, gift, aiken, moodle-xml, numbered or docx",
    ),
    "formats.unknown_format": ("没有格式“{format}”（可用：{known}）", "No format “{format}” (available: {known})"),
    "formats.no_such_file": ("文件不存在：{path}", "No such file: {path}"),
    "formats.output_suffix": (
        "输出文件名应以 .bank.yaml 结尾（系统只加载这样的文件），如 my-town.bank.yaml，而不是 {path}",
        "The output name must end in .bank.yaml (only such files are loaded), e.g. my-town.bank.yaml, not {path}",
    ),
    "formats.xlsx_suffix": ("Excel 文件名应以 .xlsx 结尾：{path}", "An Excel file name must end in .xlsx: {path}"),
    "formats.output_exists": (
        "文件已存在：{path}。换一个文件名，或加 --force 覆盖它。",
        "The file exists: {path}. Choose another name or add --force to overwrite it.",
    ),
    "formats.output_is_dir": ("{path} 是一个文件夹，请写出文件名", "{path} is a folder; give a file name"),
    "formats.output_no_folder": (
        "文件夹不存在：{folder}。请先建立它。",
        "The folder does not exist: {folder}. Create it first.",
    ),
    "formats.cannot_write": ("无法写入 {path}：{error}", "Cannot write {path}: {error}"),
    "formats.unreadable": ("无法读取文件：{error}", "Cannot read the file: {error}"),
    "formats.too_large": (
        "文件过大（{size} 字节，上限 {limit} 字节）",
        "The file is too large ({size} bytes, limit {limit})",
    ),
    "formats.bad_encoding": (
        "文件既不是 UTF-8 也不是 GBK 编码，请用记事本“另存为”UTF-8",
        "The file is neither UTF-8 nor GBK; save it as UTF-8",
    ),
    "formats.no_questions": ("文件中没有题目", "The file has no questions"),
    "formats.unknown_type": (
        "题型“{value}”无法识别（可用：{known}）",
        "Unknown question type “{value}” (use: {known})",
    ),
    "formats.citation_form": (
        "出处“{text}”格式不对，应写作“文件编号 第95条第1款”“文件编号 序言第7段”或“speech 一（二）”",
        "Source “{text}” is not in the form “DOC 第95条第1款”, “DOC 序言第7段” or “speech 一（二）”",
    ),
    "formats.citation_number": (
        "出处“{text}”中的条、款、段号无法识别",
        "The article, paragraph or section number in “{text}” is not a number",
    ),
    "formats.import_failed": (
        "{path} 有 {count} 处问题，未写出题库。请按上面的行号修改后再导入。",
        "{path} has {count} problem(s); no bank was written. Fix the rows/lines above and import again.",
    ),
    "formats.import_draft": (
        "已写出 {path}，但还有 {count} 处问题（行号指 {source}），补全前该题库不会被加载。"
        "可以改好源文件后加 --force 重新导入，或直接编辑 {path} 后运行 exam banks validate {path}。",
        "Wrote {path}, but {count} problem(s) remain (line numbers refer to {source}); the bank will not load until "
        "they are fixed. Fix the source and import again with --force, or edit {path} and run "
        "exam banks validate {path}.",
    ),
    "formats.import_id_taken": (
        "注意：题库编号“{bank}”已由 {plugin} 使用，同时加载时这个题库会被拒绝；可用 --bank-id 换一个编号。",
        "Note: bank id “{bank}” is already used by {plugin}; loaded together, this bank would be refused. Use "
        "--bank-id to choose another.",
    ),
    "formats.import_reload_failed": (
        "写出的 {path} 未通过校验（程序错误，请报告）",
        "The written {path} does not validate (a bug; please report it)",
    ),
    "formats.imported": (
        "已导入 {count} 道题（{types}）到 {path}，题库编号 {bank}。",
        "Imported {count} question(s) ({types}) into {path}, bank id {bank}.",
    ),
    "formats.yaml_header": (
        "由 exam banks import 从 {source}（{format} 格式）转换生成；格式见 docs/bank-format.md。",
        "Converted by exam banks import from {source} ({format}); format: docs/bank-format.md.",
    ),
    "formats.export_failed": (
        "有 {count} 处内容无法写成 {format} 格式（见上），未写出文件。",
        "{count} value(s) cannot be written as {format} (see above); no file was written.",
    ),
    "formats.exported": (
        "已把题库 {bank} 的 {count} 道题写入 {path}（{format}）。",
        "Wrote {count} question(s) of bank {bank} to {path} ({format}).",
    ),
    "formats.export_skipped": (
        "{count} 道题无法用 {format} 格式表示，已跳过（原因见上）。",
        "{count} question(s) cannot be written as {format} and were skipped (reasons above).",
    ),
    "formats.template_written": ("已写出题库模板 {path}。", "Wrote the bank template {path}."),
    "formats.xlsx_unreadable": (
        "无法作为 Excel 工作簿（.xlsx）打开（{error}）；旧的 .xls 文件请先另存为 .xlsx",
        "Cannot open it as an Excel workbook (.xlsx) ({error}); save an old .xls file as .xlsx first",
    ),
    "formats.xlsx_no_type": ("题型为空", "题型 (question type) is empty"),
    "formats.xlsx_option_gap": (
        "选项{letter}为空，但后面还有选项；选项应从 A 起连续填写",
        "选项{letter} is empty but later options are not; fill options from A on without gaps",
    ),
    "formats.xlsx_judge_answer": (
        "判断题的答案“{value}”无法识别，应写 对 或 错（也可写 正确/错误、√/×）",
        "The judge answer “{value}” is not recognised; write 对 or 错 (or 正确/错误, √/×)",
    ),
    "formats.xlsx_empty_piece": (
        "“{column}”中有空的一项：各空（要点）之间用“；”，同一空的多个答案之间用“|”，两边都要有内容",
        "“{column}” has an empty item: separate blanks (points) with “；” and alternatives with “|”, with text on both sides",
    ),
    "formats.xlsx_negated": (
        "否定题一栏“{value}”无法识别，应写 是 或留空",
        "否定题 “{value}” is not recognised; write 是 or leave it empty",
    ),
    "formats.xlsx_application": (
        "应用题一栏“{value}”无法识别，应写 是 或留空",
        "应用题 “{value}” is not recognised; write 是 or leave it empty",
    ),
    "formats.xlsx_cannot_hold": ("“{column}”无法写入 Excel：{value}", "“{column}” cannot be written to Excel: {value}"),
    "formats.xlsx_separator_in": (
        "“{column}”中的“{value}”含有分隔符（；; | ，,），写入 Excel 后无法原样读回",
        "“{value}” in “{column}” contains a separator (；; | ，,) and would not read back the same from Excel",
    ),
    "formats.xlsx_illegal_character": (
        "含有 Excel 不允许的控制字符",
        "contains a control character Excel does not allow",
    ),
    "formats.xlsx_cell_too_long": (
        "有一格超过 Excel 的 {limit} 字上限",
        "a cell exceeds Excel's limit of {limit} characters",
    ),
    "formats.gift_nested_brace": (
        "答案部分中又出现了“{brace}”；文字中的花括号请写作 {escaped_open} 和 {escaped_close}",
        "“{brace}” inside an answer block; write braces in text as {escaped_open} and {escaped_close}",
    ),
    "formats.gift_unbalanced": (
        "花括号不配对；文字中的花括号请写作 {escaped_open} 和 {escaped_close}",
        "Unbalanced braces; write braces in text as {escaped_open} and {escaped_close}",
    ),
    "formats.gift_bad_json": (
        "// exam: 注释不是有效的 JSON（{error}）",
        "The // exam: comment is not valid JSON ({error})",
    ),
    "formats.gift_title_unclosed": ("题目名称 ::…:: 没有结束的 ::", "The question name ::…:: has no closing ::"),
    "formats.gift_bad_answers": (
        "答案部分应由 =正确答案 和 ~错误答案 组成",
        "The answer block should consist of =right and ~wrong answers",
    ),
    "formats.gift_several_right": (
        "单选题只能有一个 =；多选题请写 ~%50%答案 这样的权重，不用 =",
        "A single-choice question has one =; for several right answers use weights like ~%50%answer, without =",
    ),
    "formats.gift_private_characters": (
        "文件含有 Unicode 非字符（U+FDD0–U+FDD5），无法导入",
        "The file contains Unicode noncharacters (U+FDD0–U+FDD5)",
    ),
    "formats.aiken_skip_type": (
        "题型 {type} 无法用 Aiken 表示（Aiken 只有单选题），已跳过",
        "type {type} cannot be written as Aiken (Aiken has single choice only); skipped",
    ),
    "formats.aiken_skip_newline": (
        "题干或选项中有换行，Aiken 每项只能占一行，已跳过",
        "a line break in the stem or an option (Aiken is one line each); skipped",
    ),
    "formats.aiken_skip_misread": (
        "题干像是选项行或 ANSWER 行，写成 Aiken 会被误读，已跳过",
        "the stem looks like an option or ANSWER line and would be misread in Aiken; skipped",
    ),
    "formats.aiken_answer_without_options": (
        "ANSWER 行前面没有题干和选项",
        "An ANSWER line without a question and options before it",
    ),
    "formats.aiken_bad_answer": (
        "答案“{value}”无效：Aiken 的 ANSWER 只能是一个选项字母（A–{last}）",
        "Answer “{value}” is invalid: an Aiken ANSWER is one option letter (A–{last})",
    ),
    "formats.aiken_option_order": (
        "选项字母 {letter} 不对，这里应是 {expected}",
        "Option letter {letter} is out of order; expected {expected}",
    ),
    "formats.aiken_text_after_options": (
        "选项之后应是 ANSWER: 行（上一题缺少答案行？）",
        "After the options an ANSWER: line is expected (is the previous question missing its answer?)",
    ),
    "formats.aiken_no_answer": ("这道题没有 ANSWER: 行", "This question has no ANSWER: line"),
    "formats.scaffold_bad_name": (
        "名称“{name}”无效：只能用小写字母、数字和 -，以字母或数字开头，如 my-town",
        "“{name}” is not a valid name: lower-case letters, digits and -, starting with a letter or digit, e.g. my-town",
    ),
    "formats.scaffold_bad_doc": (
        "出处文件编号“{doc}”无效：只能用小写字母、数字和 -",
        "Doc id “{doc}” is invalid: lower-case letters, digits and -",
    ),
    "formats.scaffold_bad_title": (
        "题库名称不能为空、不能含控制字符，且不超过 100 字",
        "The title must be 1–100 characters without control characters",
    ),
    "formats.scaffold_taken": (
        "已有题库编号为“{name}”（来自 {plugin}），请换一个名称",
        "A bank “{name}” exists already (from {plugin}); choose another name",
    ),
    "formats.scaffolded": (
        "已建立 {path}。下一步：编辑 {path}/{package}/{name}.bank.yaml，运行 exam banks validate 检查，"
        "然后在 {path} 中运行 pip install -e . 安装；exam banks list 中会出现 {name}。",
        "Created {path}. Next: edit {path}/{package}/{name}.bank.yaml, check it with exam banks validate, then run "
        "pip install -e . in {path}; exam banks list will show {name}.",
    ),
    "roster.help": (
        "花名册：导入和查看参考人员名单。",
        "Roster: import and list the people expected to sit the exams.",
    ),
    "roster.import_help": (
        "导入花名册（.xlsx 或 .csv，列名：姓名、考号、单位、职务；csv 可为 UTF-8（带或不带 BOM）或 GBK）。"
        "有错误的行或重复的考号会按行号列出，整个文件不导入；再次导入会更新同一考号的人员。"
        "例：exam roster import 花名册.xlsx",
        "Import the roster (.xlsx or .csv with columns 姓名, 考号, 单位, 职务; csv in UTF-8 with or without BOM, "
        "or GBK). Bad rows and repeated IDs are listed with their row numbers and nothing is imported; importing "
        "again updates people with the same ID. Example: exam roster import roster.xlsx",
    ),
    "roster.list_help": ("列出花名册中的人员。", "List the people on the roster."),
    "roster.opt_unit": ("只列出这个单位的人员。", "Only people of this unit."),
    "roster.imported": (
        "已导入花名册 {total} 人：新增 {added}，更新 {updated}，未变 {unchanged}。",
        "Roster imported, {total} people: {added} added, {updated} updated, {unchanged} unchanged.",
    ),
    "roster.import_failed": (
        "{path} 有 {count} 处问题，花名册未导入。请按上面的行号修改后再导入。",
        "{path} has {count} problem(s); nothing was imported. Fix the rows above and import again.",
    ),
    "roster.none": (
        "花名册为空（用 exam roster import 导入）。",
        "The roster is empty (import one with exam roster import).",
    ),
    "roster.count": ("共 {count} 人。", "{count} people."),
    "roster.col_id": ("考号", "ID"),
    "roster.col_name": ("姓名", "Name"),
    "roster.col_unit": ("单位", "Unit"),
    "roster.col_position": ("职务", "Position"),
    "roster.unreadable": ("无法读取文件：{error}", "Cannot read the file: {error}"),
    "roster.xlsx_unreadable": (
        "无法作为 Excel 工作簿（.xlsx）打开（{error}）；旧的 .xls 文件请先另存为 .xlsx",
        "Cannot open it as an Excel workbook (.xlsx) ({error}); save an old .xls file as .xlsx first",
    ),
    "roster.too_large": (
        "文件过大（{size} 字节，上限 {limit} 字节）",
        "The file is too large ({size} bytes, limit {limit})",
    ),
    "roster.too_many_rows": ("行数超过 {limit}，其余各行未读取", "More than {limit} rows; the rest was not read"),
    "roster.bad_encoding": (
        "文件既不是 UTF-8 也不是 GBK 编码，请另存为 UTF-8 的 CSV",
        "The file is neither UTF-8 nor GBK; save it as UTF-8 CSV",
    ),
    "roster.csv_error": ("CSV 格式错误：{error}", "CSV error: {error}"),
    "roster.unknown_suffix": (
        "无法导入扩展名为 {suffix} 的文件，请用 .xlsx 或 .csv",
        "Cannot import a {suffix} file; use .xlsx or .csv",
    ),
    "roster.no_header": (
        "前 10 行中没有找到表头（至少需要“姓名”和“考号”两列）",
        "No header row in the first 10 rows (the columns 姓名 and 考号 are needed)",
    ),
    "roster.empty": ("文件中没有人员", "The file lists nobody"),
    "roster.no_id": ("考号为空", "考号 (ID) is empty"),
    "roster.bad_id": (
        "考号“{value}”无效：只能用字母、数字、- 和 _，不超过 32 个字符",
        "ID “{value}” is invalid: letters, digits, - and _, at most 32 characters",
    ),
    "roster.no_name": ("姓名为空", "姓名 (name) is empty"),
    "roster.bad_name": (
        "姓名过长（上限 {limit} 字）或含控制字符",
        "The name is longer than {limit} characters or has control characters",
    ),
    "roster.bad_text": (
        "“{column}”过长（上限 {limit} 字）或含控制字符",
        "“{column}” is longer than {limit} characters or has control characters",
    ),
    "roster.duplicate": ("考号 {id} 重复（第一次在第 {first} 行）", "ID {id} is repeated (first in row {first})"),
    # -- printed papers and paper results (exam papers print, exam results enter; exam/trainer/paper_print.py) --
    "print.help": (
        "把试卷打印成 Word 文档（.docx）：给某位学员抽一份（--trainee），或印 N 份编号试卷（--copies）。"
        "同时在旁边写出“参考答案及评分标准”。学员在纸上作答后，用 exam results enter 录入成绩。",
        "Print a paper as a Word document (.docx): drawn for one trainee (--trainee) or N numbered copies (--copies), "
        "with the key (参考答案及评分标准) written beside it. Enter the answers afterwards with exam results enter.",
    ),
    "print.short": ("打印纸质试卷和参考答案（.docx）", "Print papers and their key (.docx)"),
    "print.opt_trainee": (
        "按这位学员（考号）抽题，并印上姓名、考号、单位。",
        "Draw for this trainee (考号) and print their name.",
    ),
    "print.opt_copies": (
        "印几份编号试卷（卷 1…N，每份抽题不同）。",
        "How many numbered copies (each drawn differently).",
    ),
    "print.opt_output": (
        "要写入的 .docx 文件；参考答案写在同目录的“…-参考答案.docx”。",
        "The .docx to write; the key goes to “…-参考答案.docx” beside it.",
    ),
    "print.written": (
        "已写入试卷 {path}（{copies} 份）和参考答案 {key}。试卷编号：{codes}",
        "Wrote the paper {path} ({copies} copies) and the key {key}. Paper codes: {codes}",
    ),
    "print.bad_copies": ("份数应为 1 到 500，不是 {copies}。", "Copies must be 1 to 500, not {copies}."),
    "print.cannot_write": ("无法写入 {path}：{error}", "Cannot write {path}: {error}"),
    "print.key_suffix": ("-参考答案", "-key"),
    "print.rules": (
        "考试时间 {minutes} 分钟　满分 {total} 分　及格 {pass_mark} 分　试卷编号：{code}",
        "{minutes} minutes · {total} points · pass mark {pass_mark} · paper code {code}",
    ),
    "print.identity": ("姓名：{name}　　考号：{id}　　单位：{unit}", "Name: {name}    ID: {id}    Unit: {unit}"),
    "print.identity_blank": (
        "姓名：____________　　考号：____________　　单位：____________________",
        "Name: ____________    ID: ____________    Unit: ____________________",
    ),
    "print.part_heading": ("{ordinal}、{label}（{counts}）{hint}", "{ordinal}. {label} ({counts}){hint}"),
    "print.part_uniform": (
        "共 {count} 题，每题 {each} 分，共 {total} 分",
        "{count} questions, {each} points each, {total} in all",
    ),
    "print.part_mixed": ("共 {count} 题，共 {total} 分", "{count} questions, {total} points"),
    "print.hint_judge": ("对的打“√”，错的打“×”。", " Mark √ for true, × for false."),
    "print.hint_multiple": ("每题有两个或两个以上正确答案。", " Two or more options are right."),
    "print.sheet_title": ("{title} 答题卡", "{title}: answer sheet"),
    "print.sheet_code": ("试卷编号：{code}", "Paper code: {code}"),
    "print.sheet_short_note": ("简答题请直接答在试卷上。", "Write short answers on the paper itself."),
    "print.key_title": ("{title} 参考答案及评分标准", "{title}: key and marking scheme"),
    "print.key_rules": (
        "评分标准：单选题、判断题答对得分；多选题{multiple}；填空题{blank}；简答题按要点给分。",
        "Marking: single choice and true/false score when right; multiple choice: {multiple}; blanks: {blank}; "
        "short answers by key points.",
    ),
    "print.blank_rule_per_blank": ("每空单独计分", "each blank scores on its own"),
    "print.blank_rule_all_or_nothing": ("全部填对才得分", "all blanks right to score"),
    "print.key_points": ("（{points} 分）", " ({points} points)"),
    "print.key_source": ("出处：{source}。原文：{quote}", "Source: {source}. Text: {quote}"),
    "print.key_keywords": ("评分要点：{keywords}", "Key points: {keywords}"),
    "print.true": ("√（对）", "√ (true)"),
    "print.false": ("×（错）", "× (false)"),
    "print.alternatives": ("（或：{others}）", " (or: {others})"),
    "print.blank_sep": ("；", "; "),
    "enter.help": (
        "录入一份纸质答卷：按试卷编号重新抽出同一份试卷，保存学员的每个答案并交卷，简答题记教师给的分，"
        "评分规则与机考相同，成绩进入同一张成绩单。不给 --answers 时逐题询问。",
        "Enter a paper sat on paper: the same paper is drawn again from its code, every answer saved and submitted, "
        "short answers get the points you give; scored like the app, it appears in the same score sheet. Without "
        "--answers, each question is asked for in turn.",
    ),
    "enter.short": ("录入纸质答卷的答案", "Enter the answers of a paper sat on paper"),
    "enter.opt_trainee": ("学员考号。", "The trainee's 考号."),
    "enter.opt_name": ("姓名（名单里有这位学员时可省略）。", "Name (may be left out for a trainee on the roster)."),
    "enter.opt_unit": ("单位。", "Unit."),
    "enter.opt_position": ("职务。", "Position."),
    "enter.opt_code": (
        "试卷上印的试卷编号；按学员抽的试卷可省略。",
        "The paper code printed on the paper; may be left out for a paper drawn for the trainee.",
    ),
    "enter.opt_answers": (
        "按题号顺序的答案，用逗号分开：选择题写字母（AC），判断题写 对/错，填空题各空用 / 分开，简答题写得分，"
        "未答写 -。",
        "The answers in question order, comma-separated: letters for choices (AC), 对/错 for true/false, blanks "
        "separated by /, the points for a short answer, - when unanswered.",
    ),
    "enter.need_name": (
        "名单里没有考号 {trainee}，请用 --name 给出姓名（还可给 --unit、--position）。",
        "No roster entry for {trainee}: give the name with --name (and --unit, --position).",
    ),
    "enter.prompt": ("第 {number} 题（{label}{hint}）", "Question {number} ({label}{hint})"),
    "enter.prompt_short": ("，满分 {max} 分，填得分", ", out of {max}: the points"),
    "enter.count": (
        "这份试卷有 {expected} 题，给了 {given} 个答案。",
        "The paper has {expected} questions; {given} answers given.",
    ),
    "enter.at_question": ("第 {number} 题：{error}", "Question {number}: {error}"),
    "enter.bad_letter": (
        "没有选项 {letter}（本题只有 {count} 个选项）",
        "no option {letter} (this question has {count})",
    ),
    "enter.one_letter": ("单选题只能写一个字母，不是“{text}”", "a single-choice answer is one letter, not “{text}”"),
    "enter.bad_judge": ("判断题写 对/错（或 √/×），不是“{text}”", "true/false is 对/错 (or √/×), not “{text}”"),
    "enter.bad_points": ("得分 {points} 不在 0 到 {max} 之间", "points {points} are not between 0 and {max}"),
    "enter.open_attempt": (
        "学员 {trainee} 正在机考这份试卷，不能同时录入纸质答卷。",
        "Trainee {trainee} is sitting this paper in the app; a paper result cannot be entered at the same time.",
    ),
    "enter.on_paper": ("（答在纸质试卷上）", "(answered on paper)"),
    "enter.mark_note": ("纸质答卷，教师评分", "on paper, marked by the trainer"),
    "enter.done": (
        "已录入 {name}（{trainee}）的纸质答卷：{score} / {max} 分，{passed}。",
        "Entered the paper of {name} ({trainee}): {score} / {max}, {passed}.",
    ),
    # -- issue 14 (i14sheets): Excel/WPS sheets read as shown, one header report, Aiken explanations ---------------
    "formats.xlsx_no_header": (
        "工作表“{sheet}”的前 {rows} 个有内容的行中没有找到表头。第一行是：{found}。需要的列：{expected}",
        "No header row in the first {rows} filled rows of sheet “{sheet}”. The first row reads: {found}. "
        "Columns needed: {expected}",
    ),
    "formats.xlsx_header_columns": (
        "第 {row} 行是表头，找到的列：{found}；缺少：{missing}（写其中任一列名即可）",
        "Row {row} is the header; columns found: {found}; missing: {missing} (any one of these names will do)",
    ),
    "formats.xlsx_too_many_rows": (
        "有内容的行超过 {limit} 行，从这一行起未读取（空行和只设了格式的行不计）",
        "More than {limit} filled rows; this row and the rest were not read (empty or only formatted rows do not "
        "count)",
    ),
    "formats.aiken_text_after_answer": (
        "ANSWER: 行之后的这一行既不是“解析：”也不是下一题（题目之间请空一行），未导入",
        "This line after the ANSWER: line is neither an “Explanation:” (解析：) line nor a new question (leave a "
        "blank line between questions); it was not imported",
    ),
    "formats.aiken_unfinished": (
        "这道题没有 ANSWER: 行就结束了，未导入",
        "This question ends without an ANSWER: line; it was not imported",
    ),
    # -- issue 14 (i14formats): every question imported or reported; GIFT kinds, Moodle XML, numbered text, Word --
    "formats.skipped_kind": ("{kind}没有对应的题型，已跳过", "{kind}: no counterpart here, skipped"),
    "formats.kind_essay_without_key": (
        "没有参考答案的问答题（Moodle 的作文题由教师手工评分；本系统的简答题需要参考答案和评分要点）",
        "An essay without a reference answer (Moodle marks essays by hand; a short question here needs a reference "
        "answer and key points)",
    ),
    "formats.kind_description": ("说明性文字（没有答案部分 {…}）", "A description (no answer block {…})"),
    "formats.kind_numerical": ("数值题（{#…}）", "A numerical question ({#…})"),
    "formats.kind_matching": ("匹配题（{=a -> b}）", "A matching question ({=a -> b})"),
    "formats.kind_several_blocks": (
        "含多个答案部分的选择题（只有每个都是 {=…} 的多空填空题可以有多个）",
        "A question with several answer blocks that are not all {=…} blanks",
    ),
    "formats.kind_moodle": ("Moodle 题型“{type}”", "Moodle question type “{type}”"),
    "formats.import_counts": (
        "{path}：共 {total} 道题，可导入 {imported} 道，报告 {reported} 道（逐条见上）。",
        "{path}: {total} question(s), {imported} importable, {reported} reported (each listed above).",
    ),
    "formats.import_skipped": (
        "以上 {count} 道题没有导入，其余题目照常导入；要在有这类题时拒绝整个文件，请加 --strict。",
        "The {count} question(s) above were not imported; the rest were. Add --strict to refuse such a file.",
    ),
    "formats.import_strict": (
        "{path} 有 {count} 道题无法导入；使用了 --strict，未写出题库。",
        "{path} has {count} question(s) that cannot be imported; with --strict, no bank was written.",
    ),
    "formats.opt_strict_import": (
        "文件中有无法导入的题（如 Moodle 的数值题、匹配题）时拒绝整个文件，而不是跳过这些题。",
        "Refuse the whole file when it has questions that cannot be imported (e.g. Moodle numerical or matching "
        "questions) instead of skipping them.",
    ),
    "formats.xml_unreadable": ("不是有效的 XML：{error}", "Not valid XML: {error}"),
    "formats.xml_not_quiz": (
        "不是 Moodle XML 题目文件（根元素应为 <quiz>，实为 <{tag}>）",
        "Not a Moodle XML question file (the root element should be <quiz>, not <{tag}>)",
    ),
    "formats.xml_no_right_answer": ("没有得分为正的答案", "No answer with a positive fraction"),
    "formats.xml_bad_fraction": ("答案的 fraction“{value}”不是数字", "An answer's fraction “{value}” is not a number"),
    "formats.xml_bad_data": ("<examdata> 不是有效的 JSON 对象（{error}）", "<examdata> is not a JSON object ({error})"),
    "formats.xml_cannot_hold": (
        "多空填空题（{count} 个空）无法写成 Moodle 的简答题，已跳过",
        "A fill-in question with {count} blanks cannot be written as a Moodle short-answer question; skipped",
    ),
    "formats.numbered_no_answer": ("这道题没有“答案：”行", "This question has no 答案： (answer) line"),
    "formats.numbered_orphan": (
        "这一行不属于任何题目（题目应以“1、”“1.”这样的题号开头）",
        "This line belongs to no question (a question starts with a number such as 1、 or 1.)",
    ),
    "formats.numbered_after_answer": (
        "“答案：”之后的这一行无法识别（解析请写“解析：”，其他内容请写在答案之前）",
        "Unrecognised line after 答案： (write 解析： before an explanation; other text goes before the answer)",
    ),
    "formats.numbered_no_type": (
        "无法判断题型：请在题号后写【单选题】【多选题】【判断题】【填空题】或【简答题】",
        "Cannot tell the question type: write 【单选题】, 【多选题】, 【判断题】, 【填空题】 or 【简答题】 after the number",
    ),
    "formats.docx_illegal_character": (
        "含有 Word 文件不能保存的控制字符，已跳过",
        "contains a control character a Word file cannot hold; skipped",
    ),
    "formats.docx_unreadable": (
        "无法读取 Word 文件（{error}）；请确认是 .docx 格式（旧的 .doc 需先另存为 .docx）",
        "Cannot read the Word file ({error}); it must be .docx (save an old .doc as .docx first)",
    ),
    # -- issue 11, sign-in codes, slips and PIN reset (exam/cli/roster.py, exam/trainer/slips.py) ---------------------
    "roster.opt_codes_out": (
        "给还没有登录码的人员发登录码，并把登录码条写入这个 .xlsx 文件（打印后剪开分发）。已有登录码的人保持不变。",
        "Give everyone without a sign-in code a new one and write the slips to this .xlsx file (print, cut, hand "
        "out). People who have a code keep it.",
    ),
    "roster.opt_force": ("覆盖已存在的输出文件。", "Replace an existing output file."),
    "roster.codes_missing": (
        "有 {count} 人还没有登录码（没有登录码时，学员第一次登录会自己设置 PIN）。"
        "发登录码：exam roster codes --missing -o 登录码.xlsx",
        "{count} people have no sign-in code yet (without one, a trainee sets a PIN at the first sign-in). "
        "To issue codes: exam roster codes --missing -o codes.xlsx",
    ),
    "roster.codes_written": (
        "已为 {count} 人发放新的登录码，登录码条在 {path}。系统只保存登录码的加密摘要，"
        "这个文件是登录码唯一的明文：打印分发后请删除或妥善保管。",
        "Issued new sign-in codes to {count} people; the slips are in {path}. Only hashes are stored, so this file "
        "is the only copy of the codes: print and hand them out, then delete it or keep it safe.",
    ),
    "roster.codes_help": (
        "发放（或重新发放）学员登录码，并写出可打印的登录码条（.xlsx：姓名、考号、单位、登录码）。"
        "系统只保存登录码的摘要，所以每次写登录码条都会生成新的登录码，原来的登录码随即作废。"
        "--trainee 只给指定考号重发（可重复）；--missing 只给还没有登录码的人；都不指定时给全体重发（会先询问）。"
        "例：exam roster codes --trainee 320101 -o 补发.xlsx",
        "Issue (or reissue) trainees' sign-in codes and write printable slips (.xlsx: name, ID, unit, code). Only "
        "hashes are stored, so writing slips always makes new codes and the old ones stop working. --trainee "
        "reissues for the given IDs only (may be repeated); --missing only for people without a code; with "
        "neither, everyone gets a new code (asks first). Example: exam roster codes --trainee 320101 -o reissue.xlsx",
    ),
    "roster.codes_short": ("发放或重发学员登录码，写出登录码条。", "Issue or reissue sign-in codes; write the slips."),
    "roster.opt_slips": ("登录码条写入的 .xlsx 文件。", "The .xlsx file the slips are written to."),
    "roster.opt_trainee": ("只给这个考号重发登录码（可重复）。", "Reissue only for this ID (may be repeated)."),
    "roster.opt_missing": ("只给还没有登录码的人发。", "Only people who have no code yet."),
    "roster.opt_yes": ("给全体重发时不再询问。", "Do not ask before reissuing everyone's code."),
    "roster.codes_which": (
        "--trainee 和 --missing 只能选一个。",
        "Use either --trainee or --missing, not both.",
    ),
    "roster.not_on_roster": ("花名册中没有考号：{ids}", "Not on the roster: {ids}"),
    "roster.codes_none_missing": ("花名册中每个人都已有登录码。", "Everyone on the roster has a code."),
    "roster.codes_confirm_all": (
        "将为全体 {count} 人生成新的登录码，已发出的登录码全部作废。继续吗？",
        "This gives all {count} people new codes; every code handed out so far stops working. Continue?",
    ),
    "roster.codes_not_issued": ("未发放登录码，原来的登录码仍然有效。", "No codes issued; the old ones still work."),
    "roster.reset_pin_help": (
        "清除一名学员的 PIN（学员忘记 PIN 时用）：他下次登录时重新设置。有登录码的学员请用 exam roster codes --trainee。"
        "例：exam roster reset-pin 320101",
        "Clear a trainee's PIN (when they forgot it): they choose a new one at the next sign-in. For a trainee with "
        "a code use exam roster codes --trainee. Example: exam roster reset-pin 320101",
    ),
    "roster.pin_reset": (
        "已清除考号 {id} 的 PIN。请让学员马上登录并设置新的 PIN。",
        "The PIN of {id} is cleared. Have the trainee sign in now and choose a new one.",
    ),
    "roster.no_pin": (
        "考号 {id} 没有设置 PIN（有登录码的学员请用 exam roster codes --trainee {id} 重发）。",
        "{id} has no PIN (for a trainee with a code, reissue it: exam roster codes --trainee {id}).",
    ),
    "slips.bad_suffix": (
        "登录码条只能写成 {suffixes} 文件：{path}",
        "Slips can only be written as {suffixes}: {path}",
    ),
    "slips.sheet": ("登录码", "Sign-in codes"),
    "slips.col_name": ("姓名", "Name"),
    "slips.col_id": ("考号", "ID"),
    "slips.col_unit": ("单位", "Unit"),
    "slips.col_code": ("登录码", "Code"),
    "slips.col_note": ("说明", "Note"),
    "slips.note": (
        "登录时填写姓名、考号和登录码。请勿给他人看。",
        "Sign in with your name, ID and this code. Keep it to yourself.",
    ),
}
