"""A printed paper and its key, converted to PDF by LibreOffice: a few A4 pages with the Chinese text on them."""

from __future__ import annotations

from pathlib import Path

from exam.cli import main
from tests.render._support import pdf_pages, to_pdf


def test_the_final_paper_and_its_key_print_on_a_few_pages_with_chinese_text(store_dir: Path, tmp_path: Path) -> None:
    """56 questions and the answer sheet fit on 6–14 pages; the key is separate; both carry their Chinese headings
    (the text is searchable in the PDF, so the fonts were found and embedded)."""
    out = tmp_path / "试卷.docx"
    assert main(["--db", str(store_dir), "papers", "print", "--paper", "final", "-o", str(out)]) == 0
    paper = pdf_pages(to_pdf(out, tmp_path))
    assert 6 <= len(paper) <= 14, len(paper)
    text = "".join(paper).replace(" ", "")
    for words in ("结业综合考试", "一、单选题", "五、简答题", "答题卡", "试卷编号：final-1", "姓名："):
        assert words in text, words
    key = pdf_pages(to_pdf(tmp_path / "试卷-参考答案.docx", tmp_path))
    key_text = "".join(key).replace(" ", "")
    assert "参考答案及评分标准" in key_text and "出处：" in key_text
    assert len(key) <= 20
