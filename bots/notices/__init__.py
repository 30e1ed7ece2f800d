"""Notices (公告): pinned, optionally acknowledged, optionally scheduled."""
