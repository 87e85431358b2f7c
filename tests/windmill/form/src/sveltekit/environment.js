// SvelteKit's $app/environment, which svelte-splitpanes reads: always the
// browser, never a build or a prerender.
export const browser = true
export const dev = false
export const building = false
export const version = 'harness'
