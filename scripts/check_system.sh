#!/usr/bin/env bash
# Warn (do not fail) about system pieces the PDFs and browser tests need.
missing=0
if ! fc-list :lang=zh-cn family 2>/dev/null | grep -q "Noto Sans CJK SC"; then
  echo "提示：未找到中文字体 Noto Sans CJK SC，PDF 将无法生成。Debian/Ubuntu: sudo apt-get install fonts-noto-cjk"
  missing=1
fi
command -v pdftoppm >/dev/null || { echo "提示：测试需要 poppler-utils (pdftoppm)"; missing=1; }
exit $missing
