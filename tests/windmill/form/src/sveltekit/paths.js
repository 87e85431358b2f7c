// SvelteKit's $app/paths for a page served from the root.
export const base = ''
export const assets = ''
