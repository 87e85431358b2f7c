import './app.css'
import { mount } from 'svelte'
import { resourceTypesStore } from '$windmill/components/resourceTypesStore.js'
import Harness from './Harness.svelte'

// What the driver reads back: every call of RunForm's runAction, in order.
window.__harness = { submissions: [], mounted: false }

// The form's one server call lists resource types, to offer pickers for
// resource-typed fields; this flow has none, so an empty list is the true answer.
resourceTypesStore.set([])

// The flow comes from the driver at load time, so that an edited flow.yaml
// needs no rebuild.
const flow = await (await fetch(new URL('flow.json', document.baseURI))).json()

// What the flow's page hands RunForm: a flow has no hash, so the form's
// helpers treat it as a flow, not a script.
const runnable = {
	path: flow.path ?? 'f/nix/build',
	summary: flow.summary ?? '',
	description: flow.description ?? '',
	schema: flow.schema
}

mount(Harness, { target: document.getElementById('app'), props: { runnable } })
window.__harness.mounted = true
