// SvelteKit's $app/environment: always the browser, never prerendering.
export const browser = true
export const dev = false
export const building = false
export const version = 'harness'
