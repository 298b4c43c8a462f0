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
    "cli.opt_plugins_dir": (
        "额外插件所在目录（也可用 EXAM_PLUGINS_DIR）。",
        "Folder of extra plugins (or EXAM_PLUGINS_DIR).",
    ),
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
        "查看答卷：表格按页显示，最新的在前（--page 翻页，--all 全部显示）；"
        "--format jsonl 从最早的起每行一份答卷，全部输出（字段见 docs/cli.md）。",
        "Show attempts: a table a page at a time, newest first (--page to turn pages, --all for every one); "
        "--format jsonl writes every attempt, oldest first, one per line (fields in docs/cli.md).",
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
        "在浏览器中提供同一个考试界面（本机访问 http://127.0.0.1:8000）。学员先输入考场口令，再登录。",
        "Serve the same exam app in a web browser (http://127.0.0.1:8000 by default). Trainees enter the room "
        "code, then sign in.",
    ),
    "cli.serve_url": ("请在浏览器中打开 {url}（Ctrl+C 停止）", "Open {url} in a browser (Ctrl+C to stop)"),
    # -- exam serve: a training room in the browser (issue 12) ------------------------------------------------------
    "cli.opt_serve_host": (
        "监听的地址。默认 127.0.0.1 只有本机能打开；0.0.0.0 让同一网络中的电脑都能打开。",
        "Address to listen on. 127.0.0.1 (default): this computer only; 0.0.0.0: every computer on the network.",
    ),
    "cli.opt_serve_port": ("监听的端口。", "TCP port to listen on."),
    "cli.opt_room_code": (
        "考场口令：学员打开页面后先输入它才能登录（至少 4 个字符，不分大小写）。不给时自动生成并显示。",
        "Room code trainees type before they reach sign-in (at least 4 characters, any case). "
        "Generated and shown when not given.",
    ),
    "cli.opt_max_sessions": (
        "最多同时打开的考试页面数（每个页面一个考试进程，约 50 MB 内存）。",
        "Most exam pages open at once (one app process each, about 50 MB of memory).",
    ),
    "cli.opt_idle_minutes": (
        "页面多少分钟没有按键就断开（答案都已保存，考试时间照常计算；重新连接后继续）；0 表示不断开。",
        "Minutes without a key pressed before a page is disconnected (answers are saved and the exam clock "
        "keeps running; reconnecting resumes); 0: never.",
    ),
    "cli.serve_bad_code": (
        "考场口令太短或含不可打印字符：至少 {min} 个字符（空格和“-”不计）。",
        "The room code is too short or has unprintable characters: at least {min} characters (spaces and dashes "
        "do not count).",
    ),
    "cli.serve_code": ("考场口令：{code}", "Room code: {code}"),
    "cli.serve_no_address": (
        "没有找到本机的网络地址；请用 ip addr 查看，然后打开 http://地址:{port}",
        "No network address of this computer was found; see ip addr and open http://ADDRESS:{port}",
    ),
    "cli.serve_exposed": (
        "注意：监听 {host}，同一网络中能连到本机的任何人都能打开这个页面；只有知道考场口令的人才能登录。"
        "请只在培训教室的网络中这样做，不要把口令写在页面或群里以外的地方，考试结束后按 Ctrl+C 停止。",
        "Warning: listening on {host}, anyone who can reach this computer over the network can open the page; "
        "only those with the room code get to sign-in. Do this on the training room's network only, and stop "
        "the server with Ctrl+C after the exam.",
    ),
    "cli.serve_limits": (
        "最多 {sessions} 个页面同时在线；{idle}",
        "At most {sessions} pages at once; {idle}",
    ),
    "cli.serve_idle": ("{minutes} 分钟无操作的页面自动断开。", "pages idle for {minutes} minutes are disconnected."),
    "cli.serve_never_idle": ("无操作的页面不会断开。", "idle pages stay connected."),
    "cli.serve_port_busy": (
        "无法监听 {host}:{port}：{reason}。端口可能已被占用，请用 --port 换一个。",
        "Cannot listen on {host}:{port}: {reason}. The port may be in use; choose another with --port.",
    ),
    "serve.title": ("乡镇人大主席培训考试", "Township congress chair training exams"),
    "serve.code_label": ("请输入考场口令：", "Enter the room code:"),
    "serve.code_hint": (
        "口令由培训老师公布，不分大小写。输入后按 Enter 或点“进入考场”。",
        "The trainer announces the code; any case will do. Press Enter or click Enter the room.",
    ),
    "serve.code_button": ("进入考场", "Enter the room"),
    "serve.code_wrong": (
        "口令不对，请核对。{seconds} 秒后可以再试。",
        "That is not the room code. Check it and try again in {seconds} seconds.",
    ),
    "serve.code_wait": ("请等 {seconds} 秒后再输入口令。", "Please wait {seconds} seconds before trying again."),
    "serve.need_code_plain": (
        "请先打开首页并输入考场口令。",
        "Open the start page and enter the room code first.",
    ),
    "serve.foreign_origin": ("拒绝来自其他网站的连接。", "Connections from another site are refused."),
    "serve.full_title": ("考场已满", "The room is full"),
    "serve.full_text": (
        "现在已经有 {limit} 个考试页面在使用，达到了上限。请稍等，本页每 20 秒自动重试；"
        "也可以请培训老师关闭不用的页面。",
        "{limit} exam pages are in use, the most this room allows. Please wait: this page retries every 20 "
        "seconds, or ask the trainer to close pages not in use.",
    ),
    "serve.retry": ("重试", "Try again"),
    "serve.connecting": ("正在连接……", "Connecting…"),
    "serve.start": ("开始", "Start"),
    "serve.closed": (
        "连接已断开（可能是长时间没有操作，或者服务器已停止）。已答的题都已保存，点“重新连接”继续。",
        "The connection was closed (left idle too long, or the server stopped). Every answer is saved; click "
        "Reconnect to go on.",
    ),
    "serve.reconnect": ("重新连接", "Reconnect"),
    "cli.plugin_failures": (
        "注意：有 {count} 个插件问题，运行 exam plugins 查看详情。",
        "Note: {count} plugin problem(s); run exam plugins for details.",
    ),
    "cli.unknown_bank": ("没有题库 {bank}（已有：{known}）", "No bank {bank} (known: {known})"),
    "cli.validate_ok": ("没有发现问题", "no problems"),
    "cli.validate_bad": ("发现 {count} 个问题", "{count} problem(s)"),
    "cli.validate_warnings": ("另有 {count} 条提示", "and {count} warning(s)"),
    "cli.opt_strict": (
        "把提示（如 quote 大段重合而未归入同一 group 的题对）也当作问题：有提示时退出码为 1。",
        "Treat warnings (such as overlapping quotes without a shared group) as problems: exit status 1 if any.",
    ),
    "cli.opt_figures": (
        "同时显示题库质量数据：应用题比例、单选答案位置分布、多选题错误选项数与位置。",
        "Also show the bank's figures: share of application questions, key positions of single-choice questions, "
        "wrong options of multiple-choice questions.",
    ),
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
    "status.in_progress": ("在考", "in progress"),
    "status.submitted": ("自行交卷", "submitted"),
    "status.auto_submitted": ("超时自动交卷", "auto-submitted"),
    # -- added with the core tests (issue 2) ----------------------------------------------------------------------
    "paper.section_shared": (
        "第 {n} 部分（{section}）要抽 {count} 题，但符合条件的题目与其他部分重叠，去掉重复后最多只能抽到 {got} 题",
        "section {n} ({section}) asks for {count} questions, but shares its questions with other sections and "
        "can get at most {got} without repeating one",
    ),
    "cli.store_set_aside": (
        "损坏的文件已移到一旁保留（未删除）：{path}。如有备份或其他机器导出的成绩，可用导入功能恢复。",
        "Damaged file set aside (kept, not deleted): {path}. Restore it from a backup or another "
        "machine's export if you have one.",
    ),
    "cli.store_unreadable": (
        "无法打开（未改动，请检查权限或是否为文件夹）：{path}",
        "Could not be opened (left as it is; check its permissions, or whether it is a folder): {path}",
    ),
    "cli.store_removed": (
        "已清除未完成创建的残留文件：{path}",
        "Removed a leftover of an attempt never created: {path}",
    ),
    "cli.unreadable_index": (
        "有答卷无法列出（索引文件打不开）：{path}。请检查权限，或运行 exam store repair。",
        "Some attempts cannot be listed (the index file cannot be opened): {path}. Check its permissions, or run exam store repair.",
    ),
    # -- bank files (exam/banks.py) -------------------------------------------------------------------------------
    "bank.source_shape": (
        "source 应写作 {statute} 或 {speech}",
        "Write source as {statute} or {speech}",
    ),
    "bank.source_unknown_keys": ("source 中有未知的键：{keys}", "Unknown keys in source: {keys}"),
    "bank.source_doc_empty": ("source.doc（出处文件）不能为空", "source.doc (the cited document) must not be empty"),
    "bank.source_positive": ("source.{name} 应是正整数", "source.{name} must be a positive whole number"),
    "bank.source_section_text": (
        "source.section 应是文字，如 一（二）",
        "source.section must be text, such as 一（二）",
    ),
    "bank.source_needs_place": (
        "source 需要 article（条）或 section（部分）",
        "source needs article (the article number) or section (the part of the text)",
    ),
    "bank.source_one_place": ("source 只能有 article 或 section 之一", "source may have article or section, not both"),
    "bank.source_paragraph_alone": (
        "source.paragraph 只能和 article 一起使用（或序言）",
        "source.paragraph can only be used with article (or with the preamble, section: 序言)",
    ),
    "bank.question_not_mapping": ("每道题应是一个映射（键: 值）", "Each question must be a mapping (key: value)"),
    "bank.unknown_field": ("未知的字段“{key}”（可用字段：{known}）", "Unknown field “{key}” (fields: {known})"),
    "bank.missing_field": ("缺少必填字段“{key}”", "Required field “{key}” is missing"),
    "bank.bad_question_id": (
        "题目编号“{id}”无效：只能用字母、数字、-、_、.，且不超过 63 个字符",
        "Question id “{id}” is not valid: use letters, digits, -, _ and . only, at most 63 characters",
    ),
    "bank.unknown_type": ("未知的题型“{type}”（可用题型：{known}）", "Unknown question type “{type}” (types: {known})"),
    "bank.not_text": ("“{key}”应是文字", "“{key}” must be text"),
    "bank.options_missing": (
        "选择题需要 options（2 到 8 个选项的列表）",
        "Choice questions need options (a list of 2 to 8 options)",
    ),
    "bank.options_count": ("选项应为 2 到 8 个，现有 {count} 个", "There must be 2 to 8 options, not {count}"),
    "bank.option_not_text": (
        "选项 {option} 应是非空文字（数字或 yes/no 之类请加引号）",
        "Option {option} must be text that is not empty (put numbers and words like yes/no in quotes)",
    ),
    "bank.option_repeated": ("选项“{option}”重复", "Option “{option}” appears twice"),
    "bank.options_not_allowed": ("{type}不应有 options", "A question of this type ({type}) must not have options"),
    "bank.blanks_mismatch": (
        "题干中有 {blanks} 个空（{mark}），答案却有 {answers} 项",
        "The stem has {blanks} blanks ({mark}) but the answer has {answers} items",
    ),
    "bank.source_missing": ("出处不存在：{error}", "The cited place does not exist: {error}"),
    "bank.quote_mismatch": (
        "quote 与出处原文不一致（不是所引条款中的原话）",
        "quote does not match the cited text (it must be word for word from the cited article)",
    ),
    "bank.bad_difficulty": ("难度应为 1、2 或 3，而不是 {value}", "difficulty must be 1, 2 or 3, not {value}"),
    "bank.bad_tags": ("tags 应是文字列表", "tags must be a list of text"),
    "bank.bad_points": (
        "分值应是 0 到 100 之间的正数，而不是 {value}",
        "points must be a positive number up to 100, not {value}",
    ),
    "bank.bad_negated": ("negated 只能是 true 或 false", "negated must be true or false"),
    "bank.bad_group": (
        "group（题组）应为字母、数字、“-”“_”“.”组成的名称，而不是 {value}",
        "group must be a name of letters, digits, '-', '_' or '.', not {value}",
    ),
    "bank.bad_application": (
        "application 只能是 true 或 false，而不是 {value}",
        "application must be true or false, not {value}",
    ),
    "bank.not_bank": (
        "题库文件应以 bank: 和 questions: 两部分组成",
        "A bank file must consist of two parts: bank: and questions:",
    ),
    "bank.unknown_top_field": (
        "未知的顶层字段“{key}”（应为 bank 和 questions）",
        "Unknown top-level field “{key}” (only bank and questions are allowed)",
    ),
    "bank.meta_missing": ("缺少 bank: 部分（id、title、version）", "The bank: part is missing (id, title, version)"),
    "bank.unknown_meta_field": ("bank 中有未知的字段“{key}”", "Unknown field “{key}” in bank"),
    "bank.bad_bank_id": (
        "题库编号“{id}”无效：只能用小写字母、数字和 -",
        "Bank id “{id}” is not valid: use lower-case letters, digits and - only",
    ),
    "bank.title_empty": ("bank.title（题库名称）不能为空", "bank.title (the bank's name) must not be empty"),
    "bank.version_not_text": (
        'bank.version 应加引号写成文字，如 "{version}"',
        'Write bank.version as text in quotes, such as "{version}"',
    ),
    "bank.bad_sources": ("bank.sources 应是出处文件编号的列表", "bank.sources must be a list of source document ids"),
    "bank.equivalents_shape": (
        "bank.equivalents 应是同义词组的列表，如 [[人大, 人民代表大会], [上级, 上一级]]",
        "bank.equivalents must be a list of classes of interchangeable terms, such as [[人大, 人民代表大会]]",
    ),
    "bank.equivalents_class": (
        "equivalents 第 {n} 组应是至少两个可互换说法的列表",
        "equivalents class {n} must be a list of at least two interchangeable terms",
    ),
    "bank.equivalents_term": (
        "equivalents 第 {n} 组中的 {term} 不是有内容的文字",
        "equivalents class {n}: {term} is not a text with words in it",
    ),
    "bank.equivalents_repeated": (
        "equivalents 第 {n} 组中有重复的说法",
        "equivalents class {n} repeats a term",
    ),
    "bank.equivalents_two_classes": (
        "“{term}”既在 equivalents 第 {other} 组又在第 {n} 组；一个说法只能属于一组",
        "“{term}” is in equivalents class {other} and class {n}; a term may be in one class only",
    ),
    "bank.questions_missing": ("缺少 questions: 列表", "The questions: list is missing"),
    "bank.duplicate_id": ("题目编号重复（第一次在第 {line} 行）", "Question id used twice (first on line {line})"),
    "bank.no_questions": ("题库中没有题目", "The bank has no questions"),
    # -- the names of the built-in question types: the one place they are named (exam.qtypes.type_label) ------
    "qtype.name.single": ("单选题", "Single choice"),
    "qtype.name.multiple": ("多选题", "Multiple choice"),
    "qtype.name.judge": ("判断题", "True or false"),
    "qtype.name.blank": ("填空题", "Fill in the blanks"),
    "qtype.name.short": ("简答题", "Short answer"),
    # -- answer keys of the built-in question types (exam/qtypes.py) ------------------------------------------------
    "qtype.letters_shape": (
        "答案应写作选项字母，如 B 或 [A, C]",
        "Write the answer as option letters, such as B or [A, C]",
    ),
    "qtype.not_a_letter": (
        "答案“{letter}”不是选项字母（应在 {first}–{last} 之间）",
        "Answer “{letter}” is not an option letter (it must be from {first} to {last})",
    ),
    "qtype.letters_repeated": ("答案中有重复的选项字母", "The answer repeats an option letter"),
    "qtype.single_one": ("单选题的答案只能有一个选项字母", "A single-choice answer must be exactly one option letter"),
    "qtype.multiple_two": (
        "多选题的答案至少要有两个选项字母",
        "A multiple-choice answer needs at least two option letters",
    ),
    "qtype.judge_bool": (
        "判断题的答案只能写 true（对）或 false（错）",
        "A true-or-false answer must be true or false",
    ),
    "qtype.blank_list": (
        "填空题的答案应是列表，每个空一项（每项可以是字符串或可接受答案的列表）",
        "A fill-in-the-blanks answer must be a list with one item per blank (text, or a list of accepted answers)",
    ),
    "qtype.blank_no_answer": ("第 {n} 个空没有答案", "Blank {n} has no answer"),
    "qtype.blank_not_text": (
        '第 {n} 个空的答案 {value} 不是文字；请加引号，如 "{text}"',
        'The answer {value} of blank {n} is not text; put it in quotes, such as "{text}"',
    ),
    "qtype.blank_empty_text": ("第 {n} 个空的答案是空字符串", "The answer of blank {n} is an empty string"),
    "qtype.blank_punctuation": (
        "第 {n} 个空的答案“{text}”只有标点符号",
        "The answer “{text}” of blank {n} is only punctuation",
    ),
    "qtype.any_order_shape": (
        "第 {n} 个空：不计顺序的答案应写作 {{any_order: [要点一, 要点二]}}",
        "Blank {n}: write an order-free answer as {{any_order: [item, item]}}",
    ),
    "qtype.any_order_count": (
        "第 {n} 个空：any_order 应列出 2 到 {most} 项",
        "Blank {n}: any_order must list 2 to {most} items",
    ),
    "qtype.any_order_repeated": ("第 {n} 个空：any_order 中有重复的项", "Blank {n}: any_order repeats an item"),
    "qtype.short_shape": (
        "简答题的答案应包含 reference（参考答案）和 keywords（要点关键词组）",
        "A short answer needs reference (the model answer) and keywords (the groups of key words)",
    ),
    "qtype.short_reference": (
        "简答题的 reference 应是非空文字",
        "The reference of a short answer must be text that is not empty",
    ),
    "qtype.short_keywords": (
        "简答题的 keywords 应是非空列表",
        "The keywords of a short answer must be a list that is not empty",
    ),
    "qtype.short_keyword_text": (
        "简答题的每组关键词都应是非空文字（不能只有标点符号）",
        "Every keyword group of a short answer must be text that is not empty (not only punctuation)",
    ),
    # -- safe YAML (exam/yamlsafe.py) -------------------------------------------------------------------------------
    "yaml.unsupported_tag": ("不支持的 YAML 标签 {tag}", "Unsupported YAML tag {tag}"),
    "yaml.duplicate_key": (
        "键“{key}”重复出现（第一次在第 {line} 行）",
        "Key “{key}” appears twice (first on line {line})",
    ),
    "yaml.cannot_read": ("无法读取文件：{error}", "Cannot read the file: {error}"),
    "yaml.too_large": (
        "文件过大（{size} 字节，上限 {limit} 字节）",
        "The file is too large ({size} bytes; the limit is {limit} bytes)",
    ),
    "yaml.too_large_text": ("文件过大（上限 {limit} 字节）", "The file is too large (the limit is {limit} bytes)"),
    "yaml.not_utf8": ("文件不是 UTF-8 编码（第 {offset} 字节）", "The file is not UTF-8 encoded (byte {offset})"),
    "yaml.no_aliases": ("不允许使用 YAML 别名（*…）", "YAML aliases (*…) are not allowed"),
    "yaml.no_anchors": ("不允许使用 YAML 锚点（&…）", "YAML anchors (&…) are not allowed"),
    "yaml.too_deep": ("嵌套层数超过 {limit} 层", "Nested more than {limit} levels deep"),
    "yaml.syntax": ("YAML 语法错误：{error}", "YAML syntax error: {error}"),
    # -- text that would act on a terminal (issue 11: exam/safetext.py, yamlsafe.unsafe_text_problems) --
    "yaml.unsafe_character": (
        "文件中有不允许的控制字符 {chars}，请删除",
        "The file holds a control character that is not allowed, {chars}; remove it",
    ),
    "yaml.unsafe_text": (
        "文字中有控制字符或转义序列（{chars}），会在终端中变成闪烁、隐藏链接等效果，请删除",
        "The text holds control characters or escape sequences ({chars}), which would act on a terminal "
        "(blinking, hidden links) instead of being shown; remove them",
    ),
    "yaml.many_documents": ("文件应当只有一个 YAML 文档", "The file must hold one YAML document only"),
    "yaml.empty": ("文件是空的", "The file is empty"),
    # -- paper files and assembly (exam/papers.py) ------------------------------------------------------------------
    "paper.unknown_banks": (
        "试卷“{paper}”引用了不存在的题库：{banks}",
        "Paper “{paper}” uses banks that do not exist: {banks}",
    ),
    "paper.section_short": (
        "第 {n} 部分（{section}）要抽 {count} 题，符合条件的只有 {pool} 题",
        "section {n} ({section}) asks for {count} questions, but only {pool} match",
    ),
    "paper.section_short_groups": (
        "第 {n} 部分（{section}）要抽 {count} 题，符合条件的有 {pool} 题，但同一题组（group）只能抽一题，最多只能抽到 {units} 题",
        "section {n} ({section}) asks for {count} questions; {pool} match, but a paper draws one question per "
        "group, so it can get at most {units}",
    ),
    "paper.cannot_assemble_because": ("试卷“{paper}”无法组卷：{reasons}", "Paper “{paper}” cannot be drawn: {reasons}"),
    "paper.reason_sep": ("；", "; "),
    "paper.cannot_assemble": ("试卷“{paper}”无法组卷", "Paper “{paper}” cannot be drawn"),
    "paper.bad_articles": (
        'articles 中的 {item} 应是条号或范围，如 95 或 "95-111"',
        '{item} in articles must be an article number or a range, such as 95 or "95-111"',
    ),
    "paper.not_paper": ("试卷文件应以 paper: 开头", "A paper file must start with paper:"),
    "paper.unknown_field": ("未知的字段“{key}”", "Unknown field “{key}”"),
    "paper.bad_id": (
        "试卷编号“{id}”无效：只能用小写字母、数字和 -",
        "Paper id “{id}” is not valid: use lower-case letters, digits and - only",
    ),
    "paper.title_missing": ("试卷需要 title（名称）", "The paper needs a title"),
    "paper.bad_time_limit": (
        "time_limit（考试时长，分钟）应是 1 到 600 的整数",
        "time_limit (the exam's length in minutes) must be a whole number from 1 to 600",
    ),
    "paper.bad_pass_mark": ("pass_mark（及格分）应是不小于 0 的数", "pass_mark must be a number of at least 0"),
    "paper.bad_choice": ("{key} 只能是 {choices}", "{key} must be {choices}"),
    "paper.or": (" 或 ", " or "),
    "paper.bad_flag": ("{key} 只能是 true 或 false", "{key} must be true or false"),
    "paper.bad_attempts": (
        "attempts（允许次数，0 表示不限）应是不小于 0 的整数",
        "attempts (how many tries; 0 for no limit) must be a whole number of at least 0",
    ),
    "paper.sections_missing": ("试卷需要 sections（至少一个部分）", "The paper needs sections (at least one)"),
    "paper.section_not_mapping": ("每个部分应是一个映射", "Each section must be a mapping (key: value)"),
    "paper.unknown_section_field": ("部分中有未知的字段“{key}”", "Unknown field “{key}” in a section"),
    "paper.unknown_type": ("未知的题型“{type}”（可用：{known}）", "Unknown question type “{type}” (types: {known})"),
    "paper.bad_count": ("count（题数）应是正整数", "count (how many questions) must be a positive whole number"),
    "paper.bad_points": ("points（每题分值）应是正数", "points (per question) must be a positive number"),
    "paper.not_text_list": ("{key} 应是文字列表", "{key} must be a list of text"),
    "paper.bad_difficulty": ("difficulty 应是 1、2、3 组成的列表", "difficulty must be a list of 1, 2 and 3"),
    "paper.pass_mark_too_high": ("及格分高于试卷总分", "The pass mark is higher than the paper's total points"),
    # -- plugin failures (exam/plugins.py), shown by `exam plugins` ---------------------------------------------------
    "plugin.unknown_hook": ("未知的钩子（拼写错误？）：{error}", "Unknown hook (misspelt?): {error}"),
    "plugin.no_plugins_dir": ("插件目录不存在：{path}", "The plugins folder does not exist: {path}"),
    "plugin.type_wrong_kind": (
        "题型必须是 QuestionType，而不是 {kind}",
        "A question type must be a QuestionType, not {kind}",
    ),
    "plugin.type_taken": ("题型“{name}”已由 {owner} 注册", "Question type “{name}” is already registered by {owner}"),
    "plugin.source_wrong_kind": (
        "原文必须是 SourceDocument，而不是 {kind}",
        "A source text must be a SourceDocument, not {kind}",
    ),
    "plugin.source_taken": ("原文“{name}”已由 {owner} 注册", "Source text “{name}” is already registered by {owner}"),
    "plugin.bank_wrong_kind": (
        "题库必须是文件路径或 Bank，而不是 {kind}",
        "A bank must be a file path or a Bank, not {kind}",
    ),
    # -- text that would act on a terminal, in what a plugin returns (issue 11: exam/plugins.py _accept) --
    "plugin.unsafe_text": (
        "{kind} 的文字中有 {count} 处控制字符或转义序列，未加载；第一处：{field}（{chars}）",
        "{kind} has control characters or escape sequences in {count} text(s) and was not loaded; the first: "
        "{field} ({chars})",
    ),
    "plugin.bank_invalid": (
        "题库 {bank} 有 {count} 处错误，未加载；第一处：{first}",
        "Bank {bank} has {count} problem(s) and was not loaded; the first: {first}",
    ),
    "plugin.bank_taken": ("题库编号“{name}”已由 {owner} 注册", "Bank id “{name}” is already registered by {owner}"),
    "plugin.paper_wrong_kind": (
        "试卷必须是文件路径或 PaperSpec，而不是 {kind}",
        "A paper must be a file path or a PaperSpec, not {kind}",
    ),
    "plugin.paper_invalid": ("试卷 {paper} 有错误：{first}", "Paper {paper} has problems: {first}"),
    "plugin.exporter_wrong_kind": (
        "导出格式必须是 Exporter，而不是 {kind}",
        "An export format must be an Exporter, not {kind}",
    ),
    "plugin.exporter_taken": ("导出格式“{name}”已被注册", "Export format “{name}” is already registered"),
    "plugin.no_banks_dir": ("题库目录不存在：{path}", "The banks folder does not exist: {path}"),
    "plugin.paper_taken": ("试卷编号“{name}”已由 {owner} 注册", "Paper id “{name}” is already registered by {owner}"),
    "exporter.xlsx": ("Excel 工作簿", "Excel workbook"),
    "exporter.csv": ("CSV（UTF-8，带 BOM）", "CSV (UTF-8 with BOM)"),
    # -- source texts (exam/sources.py) -----------------------------------------------------------------------------
    "source.no_article": ("{doc}没有第{article}条", "{doc} has no article {article}"),
    "source.no_paragraph": (
        "{doc}第{article}条只有{count}款，没有第{paragraph}款",
        "{doc} article {article} has only {count} paragraph(s), not paragraph {paragraph}",
    ),
    "source.no_preamble_paragraph": (
        "{doc}序言没有第{paragraph}段",
        "The preamble of {doc} has no paragraph {paragraph}",
    ),
    "source.no_section": ("{doc}没有“{section}”这一部分", "{doc} has no part “{section}”"),
    "source.no_place": ("{doc}：出处需要条号或部分", "{doc}: the citation needs an article or a section"),
    "source.unknown_doc": ("未知的出处文件：{doc}", "Unknown source document: {doc}"),
    # -- bank quality checks (exam/bankcheck.py) ---------------------------------------------------------------------
    "bankcheck.overlap": (
        "提示：quote 与 {other}（第 {line} 行）大段重合（相同 {common} 字，较短的 quote 共 {shorter} 字），两题可能考同一"
        "内容或互相泄露答案；如确属相关题目，请给两题写上同一个 group",
        "warning: the quote overlaps that of {other} (line {line}): {common} characters in common, the shorter "
        "quote has {shorter}; the two may ask the same fact or give each other away. If they are related, give "
        "both the same group",
    ),
    "bankcheck.application": (
        "应用题（application）：{count} / {total}（{share}）",
        "application questions: {count} of {total} ({share})",
    ),
    "bankcheck.single_keys": ("单选题答案位置（共 {count} 题）：{spread}", "single-choice keys ({count}): {spread}"),
    "bankcheck.multiple_two_wrong": (
        "至少两个错误选项的多选题：{count} / {total}（{share}）；只有最后一项错误的：{last}",
        "multiple-choice questions with at least two wrong options: {count} of {total} ({share}); "
        "only the last option wrong: {last}",
    ),
    "bankcheck.wrong_positions": (
        "多选题错误选项的位置：{spread}",
        "wrong options of multiple-choice questions by position: {spread}",
    ),
    "bankcheck.overlaps": (
        "quote 大段重合而未归入同一 group 的题对：{count}",
        "pairs with overlapping quotes and no shared group: {count}",
    ),
    # half-width punctuation in Chinese text (issue 10, exam/bankcheck.py)
    "bankcheck.half_width": (
        "提示：{field} 的中文里有 {count} 处半角标点（{marks}），中文应使用全角标点：…{context}…",
        "warning: {field} has {count} half-width mark(s) in Chinese text ({marks}); Chinese uses full-width "
        "marks: …{context}…",
    ),
    # -- grounding checks (exam/grounding.py) -----------------------------------------------------------------------
    "grounding.doc_not_shipped": (
        "出处文件“{doc}”不在随附的原文中（{known}）",
        "Source document “{doc}” is not among the shipped texts ({known})",
    ),
    "grounding.quote_not_in_source": ("quote 不是所引出处中的原文", "quote is not word for word from the cited text"),
    "grounding.negated_key_in_quote": (
        "否定式题目的答案 {letter}“{option}”出现在 quote 中",
        "Negated question: the key {letter} “{option}” appears in the quote",
    ),
    "grounding.negated_option_missing": (
        "否定式题目的选项 {letter}“{option}”不在 quote 中",
        "Negated question: option {letter} “{option}” is not in the quote",
    ),
    "grounding.key_not_in_quote": (
        "答案 {letter}“{option}”不在 quote 中",
        "The key {letter} “{option}” is not in the quote",
    ),
    "grounding.options_repeated": ("选项有重复", "Two options are the same"),
    "grounding.blank_not_in_quote": (
        "第 {n} 空的答案“{text}”不在 quote 中",
        "The answer “{text}” of blank {n} is not in the quote",
    ),
    "grounding.judge_needs_quote": (
        "判断题的解析应在“…”中引用 quote 里决定对错的原话（至少 4 个字）",
        "The explanation of a true-or-false question must quote, in “…”, the words of the quote that decide it "
        "(at least 4 characters)",
    ),
    "grounding.keywords_not_in_quote": (
        "关键词组 {group} 没有一个出现在 quote 中",
        "No word of the keyword group {group} appears in the quote",
    ),
    "grounding.explanation_names": ("解析应写明“{place}”", "The explanation must name “{place}”"),
    "grounding.explanation_section": (
        "解析应写明所引部分“{section}”",
        "The explanation must name the cited part “{section}”",
    ),
    "grounding.near_duplicate": (
        "题干与 {other}（第 {line} 行）相同或几乎相同",
        "The stem is the same or nearly the same as {other} (line {line})",
    ),
    "grounding.usage": (
        "用法：python -m exam.grounding FILE.bank.yaml ...",
        "Usage: python -m exam.grounding FILE.bank.yaml ...",
    ),
    "grounding.summary": (
        "{name}：{count} 道题，{problems} 个出处问题",
        "{name}: {count} questions, {problems} grounding problems",
    ),
    # -- the exam service (exam/service.py) ---------------------------------------------------------------------------
    "service.unknown_type": ("未知的题型：{name}", "Unknown question type: {name}"),
    "service.unknown_paper": (
        "没有编号为“{paper}”的试卷（可用：{known}）",
        "There is no paper “{paper}” (papers: {known})",
    ),
    "service.no_repair": ("这个成绩库不需要也不支持修复", "This results store has no repair"),
    "service.cannot_count": (
        "有答卷目前无法读取，无法确认剩余考试次数，暂不能开始新的考试：{paths}。请培训组织者检查这些文件（权限，或是否为文件夹）后运行 exam store repair。",
        "Some attempts cannot be read now, so the attempts left cannot be counted and no new attempt is started: {paths}. The trainer should check these files (permissions, or a folder in their place) and run exam store repair.",
    ),
    "service.no_attempts_left": (
        "“{title}”的考试次数已用完（共 {attempts} 次）",
        "No attempts left at “{title}” (all {attempts} used)",
    ),
    "service.bad_response": (
        "答案格式不符合题型 {type}：{response}",
        "The answer does not fit question type {type}: {response}",
    ),
    "service.already_submitted": (
        "本次考试已交卷，不能再修改答案",
        "This exam has been handed in; its answers can no longer be changed",
    ),
    "service.time_up": ("考试时间已到，答卷已自动提交", "Time is up; the exam was handed in automatically"),
    "service.no_question": ("本试卷中没有题目 {question}", "This paper has no question {question}"),
    "service.no_practice": ("没有符合条件的练习题", "No practice questions match"),
    "service.practice_title": ("练习", "Practice"),
    # -- settings (exam/config.py) ------------------------------------------------------------------------------------
    "config.bad_file": (
        "配置文件格式不对：{path}",
        "The config file is not in the right format (it must be a mapping of key: value): {path}",
    ),
    # -- the results store (exam/store) -------------------------------------------------------------------------------
    "store.corrupt": (
        "数据文件已损坏，没有做任何改动：{path}（{error}）。已另存一份到 {copy}。"
        "请从备份恢复该文件；或者运行 exam store repair，把损坏的文件移到一边并重建索引。",
        "A data file is damaged; nothing was changed: {path} ({error}). A copy was kept as {copy}. "
        "Restore the file from a backup, or run exam store repair to move the damaged file aside and rebuild the index.",
    ),
    "store.disk_full": (
        "磁盘已满，无法保存到 {path}。已保存的内容没有丢失；请腾出空间后重试。",
        "The disk is full; cannot save to {path}. Nothing saved before is lost; free some space and try again.",
    ),
    "store.no_permission": ("没有写入权限：{path}", "No permission to write: {path}"),
    "store.cannot_write": ("无法写入 {path}：{error}", "Cannot write {path}: {error}"),
    "store.cannot_create": ("无法创建数据目录 {path}：{error}", "Cannot create the store folder {path}: {error}"),
    "store.busy": (
        "数据库正被其他程序占用（等待超过 {seconds} 秒）：{path}。请稍后再试。",
        "The store is in use by another program (waited more than {seconds} s): {path}. Try again shortly.",
    ),
    "store.bad_attempt_id": ("答卷编号无效：{attempt}", "Invalid attempt id: {attempt}"),
    "store.attempt_not_found": ("找不到答卷 {attempt}", "Attempt {attempt} not found"),
    "store.attempt_file_bad": ("答卷文件内容异常：{path}", "The attempt file has unexpected content: {path}"),
    "store.attempt_exists": ("答卷 {attempt} 已存在", "Attempt {attempt} already exists"),
    "store.attempt_closed": (
        "答卷 {attempt} 已交卷，不能再作答",
        "Attempt {attempt} has been handed in; no more answers can be saved",
    ),
    "store.file_busy": (
        "文件 {path} 正被另一个程序使用（等待超过 {seconds} 秒）。可能有一个考试窗口卡住了：关闭它后重试。",
        "The file {path} is in use by another program (waited more than {seconds} s). An exam window may be stuck: close it and try again.",
    ),
    "store.is_directory": (
        "{path} 应当是文件，现在却是一个文件夹。请把该文件夹移走后重试。",
        "{path} should be a file but is a folder. Move the folder away and try again.",
    ),
    "store.no_read_permission": (
        "没有读取权限：{path}。请检查该文件的权限（文件没有被改动）。",
        "No permission to read {path}. Check the file's permissions (the file was not changed).",
    ),
    "store.cannot_read": ("无法读取 {path}：{error}", "Cannot read {path}: {error}"),
    "store.wrong_shape": ("内容不是本程序写入的格式", "the content is not in the format this program writes"),
    "store.empty_file": ("文件是空的", "the file is empty"),
    "store.not_an_attempt": ("不是一份答卷（{error}）", "not an attempt ({error})"),
    "store.lock_unusable": (
        "无法使用锁文件 {path}。请确认它是一个普通文件且可写；若它是文件夹，请移走后重试。",
        "Cannot use the lock file {path}. Make sure it is an ordinary, writable file; if it is a folder, move it away and try again.",
    ),
    "store.newer_format": (
        "数据目录 {path} 由更新版本的考试程序写入（格式版本 {version}），请升级本程序后再打开。",
        "The store {path} was written by a newer version of the program (format {version}); upgrade before opening it.",
    ),
    "lease.label": ("电脑 {host} 上的考试窗口（进程 {pid}）", "the exam window on {host} (process {pid})"),
    "lease.held": (
        "这份答卷正在另一个窗口中作答：{where}。可以只查看，或者接管到本窗口（另一个窗口随即变为只读）。",
        "This attempt is open in another window: {where}. You can view it read-only, or take it over here (the other window then becomes read-only).",
    ),
    "lease.lost": (
        "这份答卷已被另一个窗口接管（{where}），本窗口变为只读，之后的作答不会保存。",
        "This attempt was taken over by another window ({where}); this window is now read-only and further answers are not saved.",
    ),
    "lease.read_only": ("本窗口为只读，作答不会保存", "This window is read-only; answers are not saved"),
    "store.import_in_progress": (
        "答卷 {attempt} 尚未交卷，不能导入",
        "Attempt {attempt} has not been handed in, so it cannot be imported",
    ),
    # -- store backends (exam/store/__init__.py, plugins/exam_store_postgres) --
    "store.no_backend": (
        '没有能打开“{scheme}://”地址的成绩库后端（已安装：{known}）。使用 PostgreSQL 请先安装：pip install "township-exam[postgres]"',
        "No results store backend for “{scheme}://” (installed: {known}). For PostgreSQL install: "
        'pip install "township-exam[postgres]"',
    ),
    "store.bad_backend": (
        "成绩库后端“{scheme}”返回的不是成绩库（{kind}），请检查这个插件。",
        "The store backend “{scheme}” returned {kind}, not a store; check that plugin.",
    ),
    "pg.no_driver": (
        '使用 PostgreSQL 成绩库需要 psycopg：pip install "township-exam[postgres]"',
        'The PostgreSQL store needs psycopg: pip install "township-exam[postgres]"',
    ),
    "pg.unreachable": (
        "连不上成绩库数据库 {where}：{error}。请检查数据库服务器是否在运行、网络是否连通、地址和用户名是否正确；"
        "在连上之前，答案不会被确认为已保存。",
        "Cannot reach the results database {where}: {error}. Check that the server runs, the network, the address "
        "and user; no answer is acknowledged as saved until it is reachable.",
    ),
    "pg.busy": (
        "成绩库数据库 {where} 正忙（另一个程序正在为同一学员开始同一份试卷），请稍后再试。",
        "The results database {where} is busy (another process is starting the same paper for the same trainee); "
        "try again shortly.",
    ),
    "pg.failed": ("成绩库数据库 {where} 出错：{error}", "The results database {where} failed: {error}"),
    # -- exam store copy (exam/store/copy.py) --
    "copy.help": (
        "把一个成绩库的全部答卷、错题本、名单和培训管理记录复制到另一个（空的）成绩库，并逐份核对。"
        "成绩库可以是文件夹，也可以是 postgresql://用户@服务器/数据库。用于从本机成绩库迁移到 PostgreSQL。",
        "Copy every attempt, 错题本, roster and trainer record of one store into another (empty) one and check each. "
        "A store is a folder or postgresql://user@server/database. Used to move from the embedded store to "
        "PostgreSQL.",
    ),
    "copy.short": ("把成绩库复制到另一个成绩库（如 PostgreSQL）", "Copy a results store to another (e.g. PostgreSQL)"),
    "copy.opt_from": (
        "源成绩库（文件夹或地址），默认是当前使用的成绩库。",
        "The source store (folder or URL); default: the one in use.",
    ),
    "copy.opt_to": ("目标成绩库（文件夹或地址），必须是空的。", "The target store (folder or URL); must be empty."),
    "copy.progress": ("正在复制答卷", "Copying attempts"),
    "copy.done": (
        "已从 {source} 复制到 {target}：答卷 {attempts} 份，记录 {tables}；复制后逐份核对一致。",
        "Copied from {source} to {target}: {attempts} attempts, records {tables}; every one checked after the copy.",
    ),
    "copy.target_not_empty": (
        "目标成绩库不是空的，为避免混在一起，不复制。请换一个新的文件夹或新建一个空数据库。",
        "The target store is not empty; nothing copied, so that two stores are not mixed. Use a new folder or an "
        "empty database.",
    ),
    "copy.in_progress": (
        "源成绩库中还有 {count} 份答卷正在作答（{names}），请等考试结束、全部交卷后再复制。",
        "{count} attempt(s) are still in progress in the source ({names}); copy once every one is submitted.",
    ),
    "copy.missing": ("答卷 {attempt} 没有复制过去", "attempt {attempt} is missing in the target"),
    "copy.extra": ("目标里多出答卷 {attempt}", "attempt {attempt} is in the target only"),
    "copy.differs": ("答卷 {attempt} 复制后不一致", "attempt {attempt} differs after the copy"),
    "copy.records_differ": ("记录表 {table} 复制后不一致", "records of {table} differ after the copy"),
    "copy.not_verified": ("复制后核对不一致：{problems}", "The copy does not match its source: {problems}"),
    "copy.seals_differ": ("防篡改封存记录复制后不一致", "the seal log differs after the copy"),
    "copy.target_not_verified": (
        "复制后的成绩库没有通过防篡改校验（exam results verify）",
        "the copy does not pass the tamper check (exam results verify)",
    ),
    "copy.source_not_verified": (
        "源成绩库没有通过防篡改校验，不复制：请先运行 exam results verify 查明是哪些答卷。",
        "The source store fails its tamper check; nothing copied. Run exam results verify to see which attempts.",
    ),
    "copy.no_key": (
        "源成绩库有防篡改封存，但找不到密钥 {path}，复制后将无法校验；请找回密钥后再复制。",
        "The source store has seals but its key {path} is missing; the copy could not be verified. Restore the key "
        "first.",
    ),
    "copy.other_key": (
        "目标成绩库已有另一个防篡改密钥 {path}，不复制。",
        "The target store already has another seal key ({path}); nothing copied.",
    ),
    # -- issue 14 (i14sheets): unsourced questions of imported banks ------------------------------------------------
    "bank.quote_without_source": (
        "有“quote”（原文）却没有“source”（出处）：请填写出处，或删去原文",
        "“quote” is given without a “source”: add the source, or remove the quote",
    ),
    "grounding.unsourced": (
        "未注明出处：无法核对答案是否见于原文",
        "No source is named, so the key cannot be checked against a text",
    ),
    # -- issue 11, sign-in secrets and the brute-force throttle (exam/signin.py, exam/throttle.py) --------------------
    "throttle.wait": (
        "尝试次数太多，请等待约 {seconds} 秒后再试。",
        "Too many tries. Please wait about {seconds} seconds and try again.",
    ),
    "signin.name_mismatch": (
        "考号 {id} 已登记为另一位学员的姓名，不能用这个姓名登录。请核对考号和姓名；如确有错误，请找培训组织者。",
        "Candidate number {id} is registered under another name, so it cannot be used with this name. Check both; "
        "if the record is wrong, ask the trainer.",
    ),
    "signin.pin_not_set": (
        "这个考号第一次登录，请设置 PIN（4–6 位数字）。",
        "First sign-in with this candidate number: please choose a PIN (4-6 digits).",
    ),
    "signin.need_code": ("请填写登录码（培训组织者发的纸条上有）。", "Please enter your sign-in code (on your slip)."),
    "signin.need_pin": ("请填写您设置的 PIN。", "Please enter your PIN."),
    "signin.wrong_code": (
        "登录码不对。请核对纸条上的登录码，约 {seconds} 秒后再试；每错一次，等待时间加倍。",
        "Wrong sign-in code. Check your slip and try again in about {seconds} seconds; each wrong try doubles the "
        "wait.",
    ),
    "signin.wrong_pin": (
        "PIN 不对。请约 {seconds} 秒后再试；每错一次，等待时间加倍。忘记 PIN 请找培训组织者重置。",
        "Wrong PIN. Try again in about {seconds} seconds; each wrong try doubles the wait. Forgot it? Ask the "
        "trainer to reset it.",
    ),
    "signin.pin_rule": ("PIN 须为 4–6 位数字。", "A PIN is 4 to 6 digits."),
    "signin.pin_mismatch": ("两次输入的 PIN 不一致，请重新输入。", "The two PINs differ; please type them again."),
    "signin.pin_taken": (
        "这个考号刚刚在另一个窗口设置了 PIN，请用那个 PIN 登录。",
        "A PIN was just set for this candidate number in another window; sign in with that PIN.",
    ),
    # i10text: click's own words (exam.cli.base.CLICK_MESSAGES) and the placeholders of usage lines (METAVARS); the
    # placeholders in braces are click's and stay as they are.
    "cli.heading": ("{heading}：", "{heading}:"),
    "click.usage": ("用法：", "Usage:"),
    "click.usage_prefix": ("用法：", "Usage: "),
    "click.arguments": ("参数", "Positional arguments"),
    "click.default": ("默认：{default}", "default: {default}"),
    "click.required": ("必填", "required"),
    "click.env_var": ("环境变量：{var}", "env var: {var}"),
    "click.dynamic": ("（动态）", "(dynamic)"),
    "click.error": ("错误：{message}", "Error: {message}"),
    "click.try_help": ("运行“{command} {option}”查看帮助。", "Try '{command} {option}' for help."),
    "click.no_such_option": ("没有选项 {name!r}。", "No such option {name!r}."),
    "click.no_such_command": ("没有子命令 {name!r}。", "No such command {name!r}."),
    "click.missing_command": ("缺少子命令。", "Missing command."),
    "click.missing_argument": ("缺少参数", "Missing argument"),
    "click.missing_option": ("缺少选项", "Missing option"),
    "click.missing_parameter": ("缺少参数", "Missing parameter"),
    "click.missing_parameter_name": ("缺少参数：{param_name}", "Missing parameter: {param_name}"),
    "click.missing_param_type": ("缺少{param_type}", "Missing {param_type}"),
    "click.invalid_value_for": ("{param_hint} 的值无效：{message}", "Invalid value for {param_hint}: {message}"),
    "click.invalid_value": ("值无效：{message}", "Invalid value: {message}"),
    "click.unknown_error": ("未知错误", "unknown error"),
    "click.extra_arguments": ("多余的参数（{args}）", "Got unexpected extra argument ({args})"),
    "click.option_requires_argument": ("选项 {name!r} 后面需要一个值。", "Option {name!r} requires an argument."),
    "click.option_takes_no_value": ("选项 {name!r} 后面不能带值。", "Option {name!r} does not take a value."),
    "click.did_you_mean": ("是不是要输入 {possibility}？", "Did you mean {possibility}?"),
    "click.not_a_choice": ("{value!r} 不是可选的值（{choice}）。", "{value!r} is not {choice}."),
    "click.not_a_number": ("{value!r} 不是有效的数字。", "{value!r} is not a valid number."),
    "click.not_in_range": ("{value} 不在范围 {range} 内。", "{value} is not in the range {range}."),
    "click.bad_format": ("{value!r} 的格式不对，应为 {format}。", "{value!r} does not match the format {format}."),
    "click.does_not_exist": ("{filename!r} 不存在。", "{filename!r} does not exist."),
    "click.is_a_directory": ("{filename!r} 是文件夹。", "{filename!r} is a folder."),
    "click.is_a_file": ("{filename!r} 是文件。", "{filename!r} is a file."),
    "click.not_readable": ("{filename!r} 无法读取。", "{filename!r} cannot be read."),
    "click.not_writable": ("{filename!r} 无法写入。", "{filename!r} cannot be written."),
    "click.cannot_open": ("无法打开文件 {filename!r}：{message}", "Could not open file {filename!r}: {message}"),
    "click.continue": ("要继续吗？", "Do you want to continue?"),
    "click.confirm_option": ("不询问，直接执行。", "Confirm the action without prompting."),
    "click.repeat": ("请再输入一次", "Repeat for confirmation"),
    "click.values_differ": ("错误：两次输入不一致。", "Error: The two entered values do not match."),
    "click.invalid_input": ("错误：输入无效", "Error: invalid input"),
    "metavar.options": ("选项", "OPTIONS"),
    "metavar.command": ("子命令", "COMMAND"),
    "metavar.args": ("参数", "ARGS"),
    "metavar.text": ("文字", "TEXT"),
    "metavar.integer": ("整数", "INTEGER"),
    "metavar.float": ("数字", "FLOAT"),
    "metavar.range": ("范围", "RANGE"),
    "metavar.path": ("路径", "PATH"),
    "metavar.paths": ("路径", "PATHS"),
    "metavar.dir": ("文件夹", "DIR"),
    "metavar.file": ("文件", "FILE"),
    "metavar.files": ("文件", "FILES"),
    "metavar.name": ("名称", "NAME"),
    "metavar.attempt": ("答卷号", "ATTEMPT"),
    "metavar.question": ("题号", "QUESTION"),
    "metavar.points": ("分数", "POINTS"),
    "metavar.trainee_id": ("考号", "TRAINEE_ID"),
    "metavar.url": ("地址", "URL"),
    # -- exam results, paged (issue 17: a 10,000-row table took seconds to draw) ----------------------------------
    "results.opt_page": (
        "显示第几页（最新的答卷在第 1 页）。",
        "Which page to show (the newest attempts are on page 1).",
    ),
    "results.opt_page_size": ("每页显示多少份答卷。", "Attempts per page."),
    "results.opt_all": ("不分页，一次显示全部答卷。", "Show every attempt at once, without pages."),
    "results.page_footer_next": (
        "第 {page}/{pages} 页，共 {count} 份答卷（最新的在前）；下一页：{command}",
        "Page {page} of {pages}, {count} attempts (newest first); next page: {command}",
    ),
    "results.page_footer_last": (
        "第 {page}/{pages} 页（最后一页），共 {count} 份答卷（最新的在前）；第一页：{command}",
        "Page {page} of {pages} (the last), {count} attempts (newest first); first page: {command}",
    ),
    "results.no_such_page": (
        "没有第 {page} 页：共 {count} 份答卷，{pages} 页。",
        "There is no page {page}: {count} attempts make {pages} pages.",
    ),
}
