package interop

import (
	"fmt"
	"strings"
)

// psQuote quotes s as a PowerShell single-quoted string.
func psQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// ImportScript is the PowerShell script written beside an exported
// ConfigMgr XML: run on the site server (or where the console is), it
// asks for the secrets the XML does not hold, puts them into the steps in
// memory, and creates the task sequence with the SDK route
// (SMS_TaskSequencePackage.ImportSequence, then SetSequence). It never
// holds a secret itself.
func ImportScript(name, description, xmlFile, bootImageID string, rep *ExportReport) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	w("# Creates the task sequence %s in a Configuration Manager site.", psQuote(name))
	w("# Written by refimage export. Run it as a ConfigMgr administrator on the site server")
	w("# (or any computer that reaches the SMS Provider), beside %s:", xmlFile)
	w("#")
	w("#   powershell.exe -ExecutionPolicy Bypass -File .\\%s [-SiteServer CM01] [-SiteCode PS1]", strings.TrimSuffix(xmlFile, ".xml")+".ps1")
	w("#")
	w("# Secrets are never exported: the script asks for each one and puts it into the")
	w("# step in memory only. Then distribute the content of the packages the sequence")
	w("# uses and deploy it to a collection (docs/interop.md, \"Scale up\").")
	if len(rep.Packages) > 0 {
		w("# Packages used: %s", strings.Join(rep.Packages, ", "))
	}
	for _, n := range rep.Notes {
		w("# Note: %s", n)
	}
	w("param(")
	w("    [string]$SiteServer = $env:COMPUTERNAME,")
	w("    [string]$SiteCode = '',")
	w("    [string]$Name = %s,", psQuote(name))
	w("    [string]$Description = %s,", psQuote(description))
	w("    [string]$BootImageID = %s", psQuote(bootImageID))
	w(")")
	w("$ErrorActionPreference = 'Stop'")
	w("$xmlPath = Join-Path $PSScriptRoot %s", psQuote(xmlFile))
	w("if (-not $SiteCode) {")
	w("    $SiteCode = (Get-CimInstance -ComputerName $SiteServer -Namespace root\\SMS -ClassName SMS_ProviderLocation |")
	w("        Where-Object { $_.ProviderForLocalSite } | Select-Object -First 1).SiteCode")
	w("}")
	w("$ns = \"root\\SMS\\site_$SiteCode\"")
	w("$doc = New-Object System.Xml.XmlDocument")
	w("$doc.Load($xmlPath)")
	w("")
	w("function Set-StepSecret([string]$StepPath, [string]$Variable, [string]$Property, [string]$What) {")
	w("    $step = $doc.SelectSingleNode('/' + $StepPath)")
	w("    if (-not $step) { throw \"no step at $StepPath\" }")
	w("    $secure = Read-Host -AsSecureString (\"{0}: {1}\" -f $step.GetAttribute('name'), $What)")
	w("    $bstr = [Runtime.InteropServices.Marshal]::SecureStringToBSTR($secure)")
	w("    try { $clear = [Runtime.InteropServices.Marshal]::PtrToStringBSTR($bstr) }")
	w("    finally { [Runtime.InteropServices.Marshal]::ZeroFreeBSTR($bstr) }")
	w("    $list = $step.SelectSingleNode('defaultVarList')")
	w("    if (-not $list) { $list = $step.PrependChild($doc.CreateElement('defaultVarList')) }")
	w("    $v = $doc.CreateElement('variable')")
	w("    $v.SetAttribute('name', $Variable)")
	w("    $v.SetAttribute('property', $Property)")
	w("    $v.InnerText = $clear")
	w("    [void]$list.AppendChild($v)")
	w("}")
	for _, s := range rep.Secrets {
		w("Set-StepSecret %s %s %s %s", psQuote(s.StepPath), psQuote(s.Variable), psQuote(s.Property), psQuote(s.What))
	}
	w("")
	w("$imported = Invoke-CimMethod -ComputerName $SiteServer -Namespace $ns -ClassName SMS_TaskSequencePackage `")
	w("    -MethodName ImportSequence -Arguments @{ SequenceXml = $doc.OuterXml }")
	w("if ($imported.ReturnValue -ne 0) { throw \"ImportSequence failed: $($imported.ReturnValue)\" }")
	w("$props = @{ Name = $Name; Description = $Description }")
	w("if ($BootImageID) { $props.BootImageID = $BootImageID }")
	w("$package = New-CimInstance -Namespace $ns -ClassName SMS_TaskSequencePackage -Property $props -ClientOnly")
	w("$saved = Invoke-CimMethod -ComputerName $SiteServer -Namespace $ns -ClassName SMS_TaskSequencePackage `")
	w("    -MethodName SetSequence -Arguments @{ TaskSequence = $imported.TaskSequence; TaskSequencePackage = $package }")
	w("if ($saved.ReturnValue -ne 0) { throw \"SetSequence failed: $($saved.ReturnValue)\" }")
	w("$doc = $null")
	w("Write-Host \"Created the task sequence $Name ($($saved.SavedTaskSequencePackagePath))\"")
	return b.String()
}
