// SvelteKit's $app/state, as far as Windmill's components read it: the page
// the form sits on, with no route parameters and no history state.
export const page = {
	get url() {
		return new URL(window.location.href)
	},
	params: {},
	route: { id: null },
	state: {},
	data: {},
	form: null,
	status: 200,
	error: null
}
