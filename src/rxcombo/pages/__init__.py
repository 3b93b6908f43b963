"""Pages from structured data: monographs, their HTML/Markdown/JSON rendering, and the static site."""
