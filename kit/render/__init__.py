"""The one rendering layer every document of the kit goes through (Word and Excel)."""
