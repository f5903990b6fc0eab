# bash completion for sandlab. It asks sandlab itself (the hidden
# `sandlab __complete WORD...`), which reads its command table and the
# lab, so commands, options and the lab's node, image and link names are
# always those of the sandlab being run.

_sandlab() {
	local words=() w i cur out
	# bash splits NODE:eth0 at the colon; join the pieces back.
	for ((i = 1; i <= COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if ((${#words[@]} > 0)) && [[ $w == : || ${words[-1]} == *: ]] && ((i > 1)) &&
			[[ ${COMP_WORDS[i - 1]} == : || $w == : ]]; then
			words[-1]+=$w
		else
			words+=("$w")
		fi
	done
	((${#words[@]} > 0)) || words=("")
	cur=${words[-1]}
	out=$("${COMP_WORDS[0]}" __complete "${words[@]}" 2>/dev/null) || return 0
	if [[ $out == :files ]]; then
		compopt -o filenames 2>/dev/null || :
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return 0
	fi
	mapfile -t COMPREPLY <<<"$out"
	[[ -n $out ]] || COMPREPLY=()
	# "r1:" waits for its NIC: no space after it.
	if ((${#COMPREPLY[@]} == 1)) && [[ ${COMPREPLY[0]} == *: ]]; then
		compopt -o nospace 2>/dev/null || :
	fi
	# What bash replaces is the text after the last colon.
	if [[ $cur == *:* && $COMP_WORDBREAKS == *:* ]]; then
		for i in "${!COMPREPLY[@]}"; do
			COMPREPLY[i]=${COMPREPLY[i]#"${cur%:*}:"}
		done
	fi
}
complete -F _sandlab sandlab
