// SvelteKit's $app/navigation. The harness is one page that never navigates:
// RunForm mirrors the args into the URL hash with replaceState, which is
// dropped here; a goto is only recorded, for the driver to report.
export async function goto(url) {
	window.__harness?.navigations.push(String(url))
}
export function replaceState() {}
export function pushState() {}
export function beforeNavigate() {}
export function afterNavigate() {}
export function onNavigate() {}
export async function invalidate() {}
export async function invalidateAll() {}
export async function preloadData() {}
export async function preloadCode() {}
export function disableScrollHandling() {}
