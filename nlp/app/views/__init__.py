"""The views of the page, one module each: `overview.view_overview`, `theme.view_theme`,
`compare.view_compare`, `drivers.view_drivers` (runs with a rating), `comments.view_comments` and
`downloads.view_downloads`."""
