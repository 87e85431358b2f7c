// SvelteKit's $app/navigation. The harness is one page that never navigates:
// RunForm mirrors the args into the URL hash with replaceState, and other
// components go elsewhere on clicks the driver never makes.
export async function goto() {}
export function replaceState() {}
export function beforeNavigate() {}
