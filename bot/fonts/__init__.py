"""Fonts for the charts (bot/report_chart.py): one Noto Sans per Indian script; see OFL.txt."""
