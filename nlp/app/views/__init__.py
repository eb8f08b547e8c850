"""The five views of the page, one module each: `overview.view_overview`, `theme.view_theme`,
`compare.view_compare`, `comments.view_comments` and `downloads.view_downloads`."""
