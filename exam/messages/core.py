"""Messages of the core and the command line."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "lang": ("zh", "en"),
    # -- command line -------------------------------------------------------------------------------------------
    "cli.usage": ("用法：", "Usage:"),
    "cli.options": ("选项", "Options"),
    "cli.commands": ("子命令", "Commands"),
    "cli.help_option": ("显示本帮助并退出。", "Show this message and exit."),
    "cli.main_help": (
        "乡镇人大主席培训考试系统。不带子命令时启动考试界面（学员登录、考试、练习、错题本）。\n\n"
        "子命令供培训组织者使用：管理题库、查看插件、导出成绩。每个子命令都有 --help。",
        "Training exams for township people's congress chairs. Without a command, starts the exam app "
        "(sign in, exams, practice, wrong-answer book).\n\nCommands are for trainers: banks, plugins, results "
        "and exports. Every command has --help.",
    ),
    "cli.opt_db": (
        "成绩数据目录（也可用环境变量 EXAM_DB；默认在用户数据目录中）。",
        "Results store folder (or EXAM_DB; default: the user data folder).",
    ),
    "cli.opt_plugins_dir": ("额外插件所在目录（也可用 EXAM_PLUGINS_DIR）。", "Folder of extra plugins (or EXAM_PLUGINS_DIR)."),
    "cli.opt_banks_dir": (
        "额外 *.bank.yaml 题库所在目录，可重复使用。",
        "Folder of extra *.bank.yaml banks; may be repeated.",
    ),
    "cli.opt_lang": ("界面语言：zh 中文（默认），en 英文。", "Language: zh Chinese (default), en English."),
    "cli.opt_debug": ("出错时显示完整的技术信息（traceback）。", "Show the full traceback on errors."),
    "cli.opt_version": ("显示版本并退出。", "Show the version and exit."),
    "cli.opt_bank": ("只处理这个题库（可重复）。", "Only this bank (may be repeated)."),
    "cli.opt_paper": ("只看这份试卷（试卷编号）。", "Only this paper (paper id)."),
    "cli.opt_grounding": (
        "同时做出处核对：答案必须见于所引原文（内置题库的标准）。",
        "Also check grounding: every key must be stated by the cited text (the built-in banks' standard).",
    ),
    "cli.banks_help": ("题库：列出、校验、导出。", "Question banks: list, validate, dump."),
    "cli.banks_list_help": (
        "列出已加载的题库：编号、名称、版本、各题型题数、来自哪个插件。",
        "List loaded banks: id, title, version, questions per type, and the plugin that supplied each.",
    ),
    "cli.banks_validate_help": (
        "校验题库文件（*.bank.yaml）或试卷文件（*.paper.yaml），列出全部问题（文件、行号、题号、原因）。"
        "有问题时退出码为 1。PATHS 可以是文件或目录。",
        "Check bank files (*.bank.yaml) or paper files (*.paper.yaml) and list every problem with file, line, "
        "question id and reason. Exits 1 if there are problems. PATHS may be files or folders.",
    ),
    "cli.banks_dump_help": (
        "把题目导出为 JSON Lines，每行一题（字段见 docs/bank-format.md 和 docs/cli.md）。",
        "Write questions as JSON Lines, one per line (fields in docs/bank-format.md and docs/cli.md).",
    ),
    "cli.papers_help": ("试卷：列出可用的试卷。", "Exam papers: list the available papers."),
    "cli.papers_list_help": (
        "列出试卷：题数、总分、及格分、时长、允许次数、来自哪个插件。",
        "List papers: questions, total points, pass mark, time limit, attempts, plugin.",
    ),
    "cli.plugins_help": (
        "列出全部插件：版本、实现的钩子、贡献的内容和状态（出错的插件会显示原因）。",
        "List every plugin with version, hooks, contributions and status (failed plugins show why).",
    ),
    "cli.results_help": (
        "查看答卷。--format jsonl 每行一份答卷（字段见 docs/cli.md）。",
        "Show attempts. --format jsonl writes one attempt per line (fields in docs/cli.md).",
    ),
    "cli.store_help": ("成绩数据库维护。", "Results store maintenance."),
    "cli.store_repair_help": (
        "根据答卷文件重建索引（索引损坏或不一致时使用），不会删除任何答卷。",
        "Rebuild the index from the attempt files (when it is damaged); never deletes an attempt.",
    ),
    "cli.store_repaired": ("已重建索引：{count} 份答卷（{path}）。", "Index rebuilt: {count} attempts ({path})."),
    "cli.info_help": ("显示数据目录、配置文件等位置。", "Show where the store and the config file are."),
    "cli.info_db": ("成绩数据目录", "Results store"),
    "cli.info_config": ("配置文件", "Config file"),
    "cli.info_plugins_dir": ("插件目录", "Plugins folder"),
    "cli.serve_help": (
        "在浏览器中提供同一个考试界面（本机访问 http://127.0.0.1:8000）。",
        "Serve the same exam app in a web browser (http://127.0.0.1:8000 by default).",
    ),
    "cli.serve_url": ("请在浏览器中打开 {url}（Ctrl+C 停止）", "Open {url} in a browser (Ctrl+C to stop)"),
    "cli.plugin_failures": (
        "注意：有 {count} 个插件问题，运行 exam plugins 查看详情。",
        "Note: {count} plugin problem(s); run exam plugins for details.",
    ),
    "cli.unknown_bank": ("没有题库 {bank}（已有：{known}）", "No bank {bank} (known: {known})"),
    "cli.validate_ok": ("没有发现问题", "no problems"),
    "cli.validate_bad": ("发现 {count} 个问题", "{count} problem(s)"),
    "cli.status_ok": ("正常", "ok"),
    "cli.status_error": ("出错", "failed"),
    "cli.yes": ("是", "yes"),
    "cli.no": ("否", "no"),
    "cli.error": ("错误：{message}", "Error: {message}"),
    "cli.internal_error": (
        "内部错误：{error}\n请加 --debug 重新运行以查看详细信息，并报告给维护人员。",
        "Internal error: {error}\nRun again with --debug for details and report it.",
    ),
    "cli.aborted": ("已取消。", "Aborted."),
    # -- table columns ------------------------------------------------------------------------------------------
    "col.bank": ("题库", "Bank"),
    "col.title": ("名称", "Title"),
    "col.version": ("版本", "Version"),
    "col.count": ("题数", "Questions"),
    "col.plugin": ("插件", "Plugin"),
    "col.paper": ("试卷", "Paper"),
    "col.total": ("总分", "Total"),
    "col.pass_mark": ("及格分", "Pass mark"),
    "col.minutes": ("时长(分钟)", "Minutes"),
    "col.attempts": ("次数", "Attempts"),
    "col.hooks": ("钩子", "Hooks"),
    "col.contributed": ("贡献", "Contributed"),
    "col.status": ("状态", "Status"),
    "col.attempt": ("答卷", "Attempt"),
    "col.name": ("姓名", "Name"),
    "col.trainee_id": ("考号", "ID"),
    "col.unit": ("单位", "Unit"),
    "col.score": ("得分", "Score"),
    "col.max_score": ("满分", "Max"),
    "col.passed": ("合格", "Passed"),
    "col.started": ("开始时间", "Started"),
    # -- statuses ------------------------------------------------------------------------------------------------
    "status.in_progress": ("作答中", "in progress"),
    "status.submitted": ("自行交卷", "submitted"),
    "status.auto_submitted": ("超时自动交卷", "auto-submitted"),
    # -- added with the core tests (issue 2) ----------------------------------------------------------------------
    "paper.section_shared": (
        "第 {n} 部分（{section}）要抽 {count} 题，但符合条件的题目与其他部分重叠，去掉重复后最多只能抽到 {got} 题",
        "section {n} ({section}) asks for {count} questions, but shares its questions with other sections and "
        "can get at most {got} without repeating one",
    ),
    "cli.store_set_aside": (
        "答卷文件无法读取，已移到一旁保留（未删除）：{path}。如有备份或其他机器导出的成绩，可用导入功能恢复。",
        "Unreadable attempt file set aside (kept, not deleted): {path}. Restore it from a backup or another "
        "machine's export if you have one.",
    ),
}
